from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "evac.notify"
    label = "notify"
