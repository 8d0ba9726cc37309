from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "evac.demo"
    label = "demo"
