from django.db import transaction

from evac.accounts.models import Membership, Organisation, User
from evac.audit.services import COMMAND, Origin, record_event


def record_sign_in(user: User, *, origin: Origin) -> None:
    record_event("auth.sign_in", actor=user, origin=origin)


def record_sign_in_failure(username: str, *, origin: Origin) -> None:
    # Only a username that exists is kept: people type their password into the wrong box.
    known = User.objects.filter(username=username).exists()
    record_event(
        "auth.sign_in_failed",
        actor=None,
        origin=origin,
        detail={"username": username if known else "(unknown)"},
    )


def record_sign_out(user: User, *, origin: Origin) -> None:
    record_event("auth.sign_out", actor=user, origin=origin)


def add_member(
    organisation: Organisation, user: User, role: str, *, actor: User | None, origin: Origin = COMMAND
) -> Membership:
    with transaction.atomic():
        membership, _created = Membership.objects.update_or_create(
            user=user, organisation=organisation, defaults={"role": role}
        )
        record_event(
            "member.set_role",
            actor=actor,
            organisation=organisation,
            target_type="user",
            target_ref=user.get_username(),
            origin=origin,
            detail={"role": role},
        )
    return membership


class LastAdmin(Exception):
    """Removing or demoting this member would leave the organisation without an admin."""


def _would_orphan(organisation: Organisation, user: User, new_role: str | None) -> bool:
    from evac.accounts.roles import Role

    admins = Membership.objects.filter(organisation=organisation, role=Role.ORG_ADMIN)
    return new_role != Role.ORG_ADMIN and list(admins.values_list("user_id", flat=True)) == [user.pk]


def change_member_role(
    organisation: Organisation, user: User, role: str, *, actor: User, origin: Origin = COMMAND
) -> Membership:
    if _would_orphan(organisation, user, role):
        raise LastAdmin
    return add_member(organisation, user, role, actor=actor, origin=origin)


def remove_member(organisation: Organisation, user: User, *, actor: User, origin: Origin = COMMAND) -> None:
    if _would_orphan(organisation, user, None):
        raise LastAdmin
    with transaction.atomic():
        Membership.objects.filter(organisation=organisation, user=user).delete()
        record_event(
            "member.remove",
            actor=actor,
            organisation=organisation,
            target_type="user",
            target_ref=user.get_username(),
            origin=origin,
        )


def create_staff_user(username: str, display_name: str = "") -> tuple[User, str]:
    """A new account with a one-time password, to be handed over in person and changed at first use."""
    import secrets

    password = secrets.token_urlsafe(12)
    user = User.objects.create_user(username=username, password=password, display_name=display_name)
    return user, password
