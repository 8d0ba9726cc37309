from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "evac.exports"
    label = "exports"
