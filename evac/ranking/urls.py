from django.urls import path

from evac.ranking import views

app_name = "ranking"

urlpatterns = [
    path("weights/", views.weights, name="weights"),
    path("decide/", views.decisions, name="decisions"),
    path("verify/", views.claims, name="claims"),
]
