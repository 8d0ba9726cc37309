from django.urls import path

from evac.programs import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="list"),
    path("<slug:slug>/", views.program_rules, name="rules"),
    path("<slug:slug>/runs/<uuid:run_id>/", views.run_progress, name="run"),
]
