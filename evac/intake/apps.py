from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "evac.intake"
    label = "intake"
