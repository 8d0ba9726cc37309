from django.core.management.base import BaseCommand, CommandError

from evac.programs.models import Program
from evac.programs.services import evaluate_cases


class Command(BaseCommand):
    help = "Check every open case of a program against its eligibility rules (the page does it by itself)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--program", required=True, help="the program's slug")

    def handle(self, *args, org, program, **options):
        found = Program.objects.filter(organisation__slug=org, slug=program).first()
        if found is None:
            raise CommandError(f"no program {program!r} in {org!r}")

        def progress(done: int, changed: int) -> None:
            if self.stderr.isatty():
                self.stderr.write(f"\r{done:,} checked, {changed:,} changed", ending="")

        checked, changed = evaluate_cases(found, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(f"{found.slug}: {checked:,} open cases checked, {changed:,} changed")
        )
