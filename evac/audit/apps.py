from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "evac.audit"
    label = "audit"
