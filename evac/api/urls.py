from django.urls import re_path

from evac.api import views
from evac.api.api import api

app_name = "api"

urlpatterns = [
    *api.urls[0],
    # Anything else under /api/v1/ is a JSON 404 too, never the HTML page meant for people.
    re_path(r"^.*$", views.api_not_found, name="not_found"),
]
