from django.apps import AppConfig


class RankingConfig(AppConfig):
    name = "evac.ranking"
    verbose_name = "Risk priority"
