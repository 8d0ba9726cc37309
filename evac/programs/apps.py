from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "evac.programs"
    label = "programs"
