from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "evac.api"
    label = "api"
