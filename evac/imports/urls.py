from django.urls import path

from evac.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/", views.job_create, name="create"),
    path("<uuid:job_id>/", views.job_detail, name="detail"),
    path("<uuid:job_id>/errors.csv", views.job_errors_csv, name="errors_csv"),
]
