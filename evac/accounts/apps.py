from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "evac.accounts"
    label = "accounts"

    def ready(self) -> None:
        from evac.accounts import checks  # noqa: F401 - registers the system checks
