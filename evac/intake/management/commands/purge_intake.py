from django.core.management.base import BaseCommand
from django.utils import timezone

from evac.intake import limits
from evac.intake.models import IntakeDraft


class Command(BaseCommand):
    help = "Delete expired application drafts (they hold a family's answers) and rate-limit counts no window needs."

    def handle(self, *args, **options):
        drafts, _by_model = IntakeDraft.objects.filter(expires_at__lte=timezone.now()).delete()
        hits = limits.forget_old()
        self.stdout.write(f"Deleted {drafts} expired drafts and {hits} old rate-limit counts.")
