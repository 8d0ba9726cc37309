from django.urls import path

from evac.rosters import views

app_name = "rosters"

urlpatterns = [
    path("", views.roster_list, name="list"),
    path("new/", views.import_create, name="create"),
    path("imports/<uuid:roster_job_id>/", views.import_detail, name="import_detail"),
    path("imports/<uuid:roster_job_id>/errors.csv", views.import_errors_csv, name="import_errors_csv"),
    path("claims/<uuid:claim_id>/", views.claim, name="claim"),
]
