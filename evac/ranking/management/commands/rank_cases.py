from django.core.management.base import BaseCommand, CommandError

from evac.accounts.models import Organisation
from evac.ranking.services import rank_cases


class Command(BaseCommand):
    help = "Compute the priority of every case of an organisation (after changing weights by hand, or daily "
    help += "so that time waiting counts)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="the organisation's slug")

    def handle(self, *args, org, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"no organisation {org!r}")

        def progress(done: int) -> None:
            if self.stderr.isatty():
                self.stderr.write(f"\r{done:,} cases ranked", ending="")

        count = rank_cases(organisation, progress=progress)
        self.stdout.write(self.style.SUCCESS(f"{organisation.slug}: {count:,} cases ranked"))
