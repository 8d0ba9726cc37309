from django.urls import path

from evac.flights import views

app_name = "flights"

urlpatterns = [
    path("", views.flight_board, name="board"),
    path("new/", views.flight_create, name="create"),
    path("allocate/", views.allocate, name="allocate"),
    path("allocations/<uuid:allocation_id>/", views.run_progress, name="run"),
    path("links/", views.link, name="link"),
    path("families/<str:ref>/pin/", views.pin, name="pin"),
    path("families/<str:ref>/hold/", views.hold, name="hold"),
    path("<uuid:flight_id>/", views.flight_detail, name="detail"),
    path("<uuid:flight_id>/edit/", views.flight_edit, name="edit"),
    path("<uuid:flight_id>/status/", views.flight_status, name="status"),
    path("<uuid:flight_id>/manifest/", views.flight_manifest, name="manifest"),
]
