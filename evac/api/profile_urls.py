"""The personal API tokens page, mounted at accounts/tokens/ in the root URLconf."""

from django.urls import path

from evac.api import views

app_name = "tokens"

urlpatterns = [
    path("", views.token_list, name="list"),
    path("<uuid:public_id>/revoke/", views.token_revoke, name="revoke"),
]
