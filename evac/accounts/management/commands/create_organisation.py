from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from evac.accounts.models import Organisation
from evac.audit.services import record_event
from evac.programs.models import Program


class Command(BaseCommand):
    help = "Create an organisation, optionally with its first program."

    def add_arguments(self, parser):
        parser.add_argument("--slug", required=True)
        parser.add_argument("--name", required=True)
        parser.add_argument("--program", help="the first program's name (its slug is made from it)")

    def handle(self, *args, slug, name, program, **options):
        if slugify(slug) != slug:
            raise CommandError(f"not a valid slug: {slug!r} (try {slugify(slug)!r})")
        if Organisation.objects.filter(slug=slug).exists():
            raise CommandError(f"an organisation with the slug {slug!r} exists already")
        with transaction.atomic():
            organisation = Organisation.objects.create(slug=slug, name=name)
            record_event(
                "organisation.create",
                actor=None,
                organisation=organisation,
                target_type="organisation",
                target_ref=slug,
            )
            if program:
                Program.objects.create(organisation=organisation, slug=slugify(program)[:50], name=program)
        self.stdout.write(self.style.SUCCESS(f"organisation {slug} created"))
