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
