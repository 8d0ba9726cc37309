import sys

from django.core.management.base import BaseCommand, CommandError

from evac.accounts.models import Organisation
from evac.protection.management.commands.rotate_keys import _actor
from evac.protection.services import shred_organisation_keys


class Command(BaseCommand):
    help = (
        "Destroy an organisation's data keys, so that its copy of the applicants' documents, phones, emails "
        "and addresses can never be read again (for an office about to be overrun). Cannot be undone. "
        "Other organisations are untouched."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument(
            "--confirm", metavar="SLUG", help="the organisation's slug again, to run without the question"
        )
        parser.add_argument("--by", help="the username of the person running this, for the audit log")

    def handle(self, *args, org, confirm, by, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"no organisation {org!r}")
        actor = _actor(by)
        if confirm is None:
            if not sys.stdin.isatty():
                raise CommandError("not confirmed: run it at a terminal, or pass --confirm with the slug")
            self.stdout.write(
                f"This destroys the data keys of {organisation.name} ({organisation.slug}). Its applicants' "
                "document numbers, phones, emails and addresses become unreadable, for good."
            )
            confirm = input(f"Type {organisation.slug} to go on: ").strip()
        if confirm != organisation.slug:
            raise CommandError("not confirmed: nothing was destroyed")
        versions = shred_organisation_keys(organisation, actor=actor)
        self.stdout.write(
            self.style.SUCCESS(
                f"{organisation.slug}: data key versions {versions or 'none'} destroyed; its protected fields "
                "are unreadable"
            )
        )
