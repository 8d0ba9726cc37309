from django.core.management.base import BaseCommand, CommandError

from evac.audit.services import ChainProblem, verify_chain


class Command(BaseCommand):
    help = "Check that no audit event was removed or altered. Exits 0 when the chain is whole."

    def handle(self, *args, **options):
        checked = 0
        for step in verify_chain():
            if isinstance(step, ChainProblem):
                where = f"event {step.event_id}" if step.event_id else "the chain"
                raise CommandError(
                    f"audit chain broken at {where}: {step.reason} ({checked} events verified)"
                )
            checked = step
            if self.stderr.isatty():
                self.stderr.write(f"\r{checked:,} events verified", ending="")
        self.stdout.write(self.style.SUCCESS(f"audit chain whole: {checked:,} events verified"))
