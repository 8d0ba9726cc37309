from django.apps import AppConfig


class RostersConfig(AppConfig):
    name = "evac.rosters"
    label = "rosters"
