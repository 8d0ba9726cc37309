from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from evac.accounts.models import User
from evac.api.services import issue_token


class Command(BaseCommand):
    help = "Issue a personal API token for a user (for scripts and partner systems); printed once."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True)
        parser.add_argument("--name", required=True, help="what the token is for")
        parser.add_argument("--days", type=int, default=90, help="valid for this many days (0: no expiry)")

    def handle(self, *args, user, name, days, **options):
        account = User.objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError(f"no active user {user!r}")
        if days < 0:
            raise CommandError("--days must be zero or more")
        expires = timezone.now() + timedelta(days=days) if days else None
        _token, raw = issue_token(account, name=name, expires_at=expires)
        # Only the token on standard output, so that scripts can capture it.
        self.stdout.write(raw)
