from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "evac.imports"
    label = "imports"
