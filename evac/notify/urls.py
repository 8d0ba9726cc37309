from django.urls import path

from evac.notify import views

app_name = "notify"

urlpatterns = [
    path("<str:ref>/messages/", views.case_messages, name="case_messages"),
]
