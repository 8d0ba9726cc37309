from django.core.management.base import BaseCommand, CommandError

from evac.accounts.models import User
from evac.accounts.services import reset_two_factor, unlock


class Command(BaseCommand):
    help = (
        "For a user who lost their phone, recovery codes and security keys: remove all their second factors, "
        "end their sessions and lift a lockout. They set up an authenticator at their next sign-in. Check who "
        "is asking first (in person, or through their organisation's admin): this is what an attacker would ask."
    )

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--unlock-only", action="store_true", help="only lift a lockout")

    def handle(self, *args, user, unlock_only, **options):
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"no user {user!r}")
        unlock(account, actor=None)
        if unlock_only:
            self.stdout.write(self.style.SUCCESS(f"{user} may sign in again (lockout lifted)"))
            return
        reset_two_factor(account, actor=None)
        self.stdout.write(
            self.style.SUCCESS(f"{user}: second factors removed, sessions ended; they set up anew at sign-in")
        )
