from django.urls import path

from evac.flights import gate_views as views

app_name = "gate"

urlpatterns = [
    path("", views.flights, name="flights"),
    path("<uuid:flight_id>/", views.page, name="page"),
    path("<uuid:flight_id>/manifest/", views.manifest, name="manifest"),
    path("<uuid:flight_id>/check/", views.check, name="check"),
    path("<uuid:flight_id>/scan/", views.scan, name="scan"),
    path("<uuid:flight_id>/sync/", views.sync, name="sync"),
]
