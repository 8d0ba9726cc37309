from django.apps import AppConfig


class ProtectionConfig(AppConfig):
    name = "evac.protection"
    verbose_name = "Protection of personal data"

    def ready(self):
        from django.core.signals import request_started
        from django.db.models.signals import post_save

        from evac.accounts.models import Organisation
        from evac.protection import keys

        # Each request reads the organisations' keys afresh, so that a key shredded by a command is gone
        # from every server process at its next request, not at its next restart.
        request_started.connect(keys.forget_keys, dispatch_uid="evac.protection.forget_keys")
        post_save.connect(
            keys.key_for_new_organisation, sender=Organisation, dispatch_uid="evac.protection.new_org"
        )
