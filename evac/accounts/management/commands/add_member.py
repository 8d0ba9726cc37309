from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from evac.accounts.models import Organisation, User
from evac.accounts.roles import Role
from evac.accounts.services import add_member, create_staff_user


class Command(BaseCommand):
    help = "Give a user a role in an organisation; --create makes the user, with a one-time password."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True)
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--create", action="store_true", help="create the user if missing")

    def handle(self, *args, org, user, role, create, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"no organisation with the slug {org!r}")
        with transaction.atomic():
            account = User.objects.filter(username=user).first()
            password = None
            if account is None:
                if not create:
                    raise CommandError(f"no user {user!r}: add --create to create them")
                account, password = create_staff_user(user)
            add_member(organisation, account, role, actor=None)
        self.stdout.write(self.style.SUCCESS(f"{user} is now {Role(role).label} in {org}"))
        if password:
            self.stdout.write(f"one-time password for {user}: {password}  (give it by hand; they change it)")
