from django.urls import path

from evac.cases import views
from evac.programs import views as program_views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("<str:ref>/", views.case_detail, name="detail"),
    path("<str:ref>/edit/", views.case_edit, name="edit"),
    path("<str:ref>/status/", views.case_change_status, name="change_status"),
    path("<str:ref>/assign/", views.case_assign, name="assign"),
    path("<str:ref>/eligibility/", program_views.override, name="eligibility"),
]
