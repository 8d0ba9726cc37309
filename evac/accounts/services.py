import re

import django_otp
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from evac.accounts.models import Membership, Organisation, SecurityKey, User
from evac.accounts.roles import Can, Role
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
    """Call inside a transaction: the admins' rows are locked, so two admins demoting each other at the
    same moment cannot both succeed and leave nobody."""
    admins = Membership.objects.select_for_update().filter(organisation=organisation, role=Role.ORG_ADMIN)
    return new_role != Role.ORG_ADMIN and list(admins.values_list("user_id", flat=True)) == [user.pk]


def change_member_role(
    organisation: Organisation, user: User, role: str, *, actor: User, origin: Origin = COMMAND
) -> Membership:
    with transaction.atomic():
        if _would_orphan(organisation, user, role):
            raise LastAdmin
        return add_member(organisation, user, role, actor=actor, origin=origin)


def remove_member(organisation: Organisation, user: User, *, actor: User, origin: Origin = COMMAND) -> None:
    with transaction.atomic():
        if _would_orphan(organisation, user, None):
            raise LastAdmin
        Membership.objects.filter(organisation=organisation, user=user).delete()
        record_event(
            "member.remove",
            actor=actor,
            organisation=organisation,
            target_type="user",
            target_ref=user.get_username(),
            origin=origin,
        )


class CannotExport(Exception):
    """The member's role does not read case files, so a grant to export would mean nothing."""


def set_may_export(
    organisation: Organisation, user: User, allowed: bool, *, actor: User | None, origin: Origin = COMMAND
) -> Membership:
    """Grant or revoke the right to export. Never implied by a role: an admin gives it to a named person."""
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(organisation=organisation, user=user)
        if allowed and not membership.can(Can.VIEW_CASES):
            raise CannotExport
        if membership.may_export != allowed:
            membership.may_export = allowed
            membership.save(update_fields=["may_export"])
            record_event(
                "member.set_may_export",
                actor=actor,
                organisation=organisation,
                target_type="user",
                target_ref=user.get_username(),
                origin=origin,
                detail={"may_export": allowed},
            )
    return membership


def create_staff_user(username: str, display_name: str = "") -> tuple[User, str]:
    """A new account with a one-time password, to be handed over in person and changed at first use."""
    import secrets

    password = secrets.token_urlsafe(12)
    user = User.objects.create_user(username=username, password=password, display_name=display_name)
    return user, password


# Two-factor sign-in. The devices are django-otp's: TOTPDevice (an authenticator app), StaticDevice (the
# recovery codes) and evac's SecurityKey. A session is verified once django_otp.login() has put a device in it.

RECOVERY_CODE_COUNT = 10
TOTP_CODE = re.compile(r"\d{6}")


def is_org_admin(user: User) -> bool:
    from evac.accounts.roles import Role

    return Membership.objects.filter(user=user, role=Role.ORG_ADMIN).exists()


def has_security_key(user: User) -> bool:
    return SecurityKey.objects.filter(user=user, confirmed=True).exists()


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists() or has_security_key(user)


def pending_totp_device(user: User) -> TOTPDevice:
    """The authenticator being set up: kept unconfirmed until a code from it is typed, so that reloading the
    page shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def confirm_totp_device(user: User, device: TOTPDevice, code: str, *, origin: Origin) -> list[str] | None:
    """Confirm the new authenticator with a code from it. It replaces any earlier one, and comes with a new
    set of recovery codes, returned to be shown once. None if the code is wrong."""
    code = normalise_code(code)
    if not TOTP_CODE.fullmatch(code) or device.user_id != user.pk or device.confirmed:
        return None
    with transaction.atomic():
        if django_otp.verify_token(user, device.persistent_id, code) is None:
            return None
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _replace_recovery_codes(user)
        record_event(
            "auth.2fa_enrol",
            actor=user,
            target_type="user",
            target_ref=user.get_username(),
            origin=origin,
            detail={"method": "totp", "recovery_codes": len(codes)},
        )
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def new_recovery_codes(user: User, *, origin: Origin) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        record_event(
            "auth.recovery_codes_new",
            actor=user,
            target_type="user",
            target_ref=user.get_username(),
            origin=origin,
        )
    return codes


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise_code(code: str) -> str:
    # Recovery codes are shown in two groups of four; people type them with spaces, dashes, capitals.
    return "".join(ch for ch in code.lower() if ch.isalnum())[:16]


def check_code(user: User, code: str, *, allow_totp: bool, origin: Origin) -> Device | None:
    """The device that accepts this code: the authenticator for six digits, the recovery codes otherwise.
    A recovery code is used up by the check, and its use is audited."""
    code = normalise_code(code)
    if not code:
        return None
    if TOTP_CODE.fullmatch(code):
        if not allow_totp:
            return None
        for device in TOTPDevice.objects.filter(user=user, confirmed=True):
            verified = django_otp.verify_token(user, device.persistent_id, code)
            if verified is not None:
                return verified
        return None
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        with transaction.atomic():
            verified = django_otp.verify_token(user, device.persistent_id, code)
            if verified is not None:
                record_event(
                    "auth.recovery_code_used",
                    actor=user,
                    target_type="user",
                    target_ref=user.get_username(),
                    origin=origin,
                    detail={"left": recovery_codes_left(user)},
                )
                return verified
    return None


def method_of(device: Device) -> str:
    if isinstance(device, SecurityKey):
        return "security_key"
    if isinstance(device, StaticDevice):
        return "recovery_code"
    return "totp"


def complete_second_step(request: HttpRequest, user: User, device: Device) -> None:
    """The second factor is through: the session is verified, and earlier failures no longer count."""
    from evac.accounts import lockout

    django_otp.login(request, device)
    lockout.clear(user)
    record_event(
        "auth.2fa_verify",
        actor=user,
        origin=Origin.from_request(request),
        detail={"method": method_of(device)},
    )


def record_second_step_failure(user: User, *, method: str, locked: bool, origin: Origin) -> None:
    record_event("auth.2fa_failed", actor=user, origin=origin, detail={"method": method})
    if locked:
        record_lockout(user.get_username(), origin=origin)


def record_lockout(username: str, *, origin: Origin) -> None:
    known = User.objects.filter(username=username).exists()
    record_event(
        "auth.locked_out",
        actor=None,
        origin=origin,
        detail={"username": username if known else "(unknown)"},
    )


class LastSecurityKey(Exception):
    """An org admin must keep at least one security key."""


def remove_security_key(user: User, key: SecurityKey, *, origin: Origin) -> None:
    with transaction.atomic():
        if (
            is_org_admin(user)
            and not SecurityKey.objects.filter(user=user, confirmed=True).exclude(pk=key.pk).exists()
        ):
            raise LastSecurityKey
        key.delete()
        record_event(
            "auth.key_remove",
            actor=user,
            target_type="user",
            target_ref=user.get_username(),
            origin=origin,
            detail={"key": key.name},
        )


def sign_out_everywhere(user: User, *, origin: Origin) -> None:
    """End every session of this user, on every device, at its next request. API tokens are untouched."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        user.refresh_from_db(fields=["session_epoch"])
        record_event("auth.sign_out_everywhere", actor=user, origin=origin)


def reset_two_factor(user: User, *, actor: User | None, origin: Origin = COMMAND) -> None:
    """Remove every second factor of a user who lost them all, and end their sessions: at their next
    sign-in they set up an authenticator again. For an operator, after checking who is asking."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        SecurityKey.objects.filter(user=user).delete()
        User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
        record_event(
            "auth.2fa_reset",
            actor=actor,
            target_type="user",
            target_ref=user.get_username(),
            origin=origin,
        )


def unlock(user: User, *, actor: User | None, origin: Origin = COMMAND) -> None:
    """Lift a lockout early (an operator, once they know it was the user's own typing)."""
    from axes.utils import reset

    reset(username=user.get_username())
    record_event(
        "auth.unlock", actor=actor, target_type="user", target_ref=user.get_username(), origin=origin
    )
