from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "evac.accounts"
    label = "accounts"
