from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "evac.cases"
    label = "cases"
