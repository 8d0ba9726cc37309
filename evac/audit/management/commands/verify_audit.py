from django.core.management.base import BaseCommand, CommandError

from evac.audit.services import run_verification


class Command(BaseCommand):
    help = (
        "Check that no audit event was removed or altered, and record the result (the audit page shows it). "
        "Exits 0 when the chain is whole."
    )

    def handle(self, *args, **options):
        def progress(checked: int) -> None:
            if self.stderr.isatty():
                self.stderr.write(f"\r{checked:,} events verified", ending="")

        verification = run_verification(channel="command", progress=progress)
        if not verification.ok:
            raise CommandError(
                f"audit chain broken at {verification.problem} ({verification.events_checked} events verified)"
            )
        self.stdout.write(
            self.style.SUCCESS(f"audit chain whole: {verification.events_checked:,} events verified")
        )
