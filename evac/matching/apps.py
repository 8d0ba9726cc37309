from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "evac.matching"
    label = "matching"
