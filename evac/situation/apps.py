from django.apps import AppConfig


class SituationConfig(AppConfig):
    name = "evac.situation"
    label = "situation"
