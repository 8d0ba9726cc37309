from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "evac.core"
    label = "core"
