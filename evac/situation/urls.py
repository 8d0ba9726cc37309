from django.urls import path

from evac.situation import views

app_name = "situation"

urlpatterns = [
    path("", views.board, name="board"),
    path("record/", views.record, name="record"),
    path("<str:code>/", views.province, name="province"),
]
