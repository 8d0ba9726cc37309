from django.apps import AppConfig


class DedupeConfig(AppConfig):
    name = "evac.dedupe"
    verbose_name = "Duplicate detection"
