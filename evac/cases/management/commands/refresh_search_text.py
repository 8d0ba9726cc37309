"""evac refresh_search_text [--org SLUG] [--batch-size N]"""

import sys

from django.core.management.base import BaseCommand, CommandError, CommandParser

from evac.accounts.models import Organisation
from evac.cases.services import refresh_search_texts


class Command(BaseCommand):
    help = (
        "Recompute the words the case list searches for every case (run once after an upgrade that "
        "changes how names are folded; safe to run again and on a live system)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="only this organisation's cases (default: all)")
        parser.add_argument("--batch-size", type=int, default=1000, help="cases per transaction")

    def handle(self, *args, **options) -> None:
        organisation = None
        if options["org"]:
            organisation = Organisation.objects.filter(slug=options["org"]).first()
            if organisation is None:
                raise CommandError(f"No organisation {options['org']!r}.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        show = sys.stderr.isatty()
        seen, changed = refresh_search_texts(
            organisation=organisation,
            batch_size=options["batch_size"],
            progress=(lambda done: self.stderr.write(f"\r{done:,} cases", ending="")) if show else None,
        )
        if show:
            self.stderr.write("")
        self.stdout.write(f"{seen} cases read, {changed} brought up to date.")
