from django.core.management.base import BaseCommand, CommandError

from evac.accounts.models import Organisation, User
from evac.protection import keys
from evac.protection.services import rewrap_data_keys, rotate_keys


class Command(BaseCommand):
    help = (
        "Give an organisation a new data key and re-encrypt its protected fields under it; the old key is "
        "destroyed at the end. Safe to interrupt and run again. With --rewrap, wrap every data key with the "
        "current EVAC_MASTER_KEY instead (after moving the old master key to EVAC_MASTER_KEY_PREVIOUS)."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--org", help="the organisation's slug")
        target.add_argument("--rewrap", action="store_true", help="rewrap all data keys with the master key")
        parser.add_argument("--by", help="the username of the person running this, for the audit log")
        parser.add_argument(
            "--settle",
            type=float,
            default=keys.CACHE_SECONDS,
            help="seconds to wait for running servers to let go of the old key before destroying it",
        )

    def handle(self, *args, org, rewrap, by, settle, **options):
        actor = _actor(by)
        if rewrap:
            count = rewrap_data_keys(actor=actor)
            self.stdout.write(self.style.SUCCESS(f"{count} data keys rewrapped with the current master key"))
            return
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"no organisation {org!r}")
        rotation = rotate_keys(organisation, actor=actor, settle_seconds=settle)
        rows = ", ".join(f"{count:,} {label}" for label, count in rotation.rows.items()) or "nothing"
        self.stdout.write(
            self.style.SUCCESS(
                f"{organisation.slug}: data key v{rotation.new_version} active; re-encrypted {rows}; "
                f"old versions {rotation.retired_versions or 'none'} destroyed"
            )
        )


def _actor(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"no user {username!r}")
    return user
