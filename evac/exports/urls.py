from django.urls import path

from evac.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.export_list, name="list"),
    path("new/", views.export_create, name="create"),
    path("settings/", views.export_settings, name="settings"),
    path("<uuid:export_id>/", views.export_detail, name="detail"),
    path("<uuid:export_id>/decide/", views.export_decide, name="decide"),
    path("<uuid:export_id>/download/", views.export_download, name="download"),
]
