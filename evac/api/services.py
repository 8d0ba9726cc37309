"""Personal API tokens: issuing, revoking and checking them. Issuing and revoking are audited."""

import hashlib
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from evac.accounts.models import User
from evac.api.models import ApiToken
from evac.audit.services import COMMAND, Origin, record_event

# A recognisable marker, so that a token pasted into a chat or a repository can be spotted by scanners.
TOKEN_MARKER = "evac_"  # noqa: S105 - a label, not a secret
PREFIX_LENGTH = len(TOKEN_MARKER) + 8
# Writing last_used_at on every request would turn every read into a write; a minute is precise enough
# to tell a token in use from a forgotten one.
LAST_USED_RESOLUTION = timedelta(minutes=1)
TOKEN_TARGET = "api_token"  # noqa: S105 - an audit target type


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_token(
    user: User, *, name: str, expires_at: datetime | None = None, origin: Origin = COMMAND
) -> tuple[ApiToken, str]:
    """Create a token for the user. Returns (token, raw): the raw token exists only in this return value,
    to be shown to the user once."""
    raw = TOKEN_MARKER + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=raw[:PREFIX_LENGTH],
            token_hash=hash_token(raw),
            expires_at=expires_at,
        )
        record_event(
            "api_token.create",
            actor=user,
            target_type=TOKEN_TARGET,
            target_ref=token.prefix,
            origin=origin,
            detail={"expires_at": expires_at.isoformat() if expires_at else None},
        )
    return token, raw


def revoke_token(token: ApiToken, *, actor: User, origin: Origin = COMMAND) -> None:
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_event(
            "api_token.revoke",
            actor=actor,
            target_type=TOKEN_TARGET,
            target_ref=token.prefix,
            origin=origin,
        )


def user_for_token(raw: str) -> tuple[User, ApiToken] | None:
    """The active user a raw token stands for, or None for an unknown, revoked or expired token."""
    # A header is Latin-1 text; anything else, or anything far longer than a token, is not one of ours.
    if not raw.startswith(TOKEN_MARKER) or len(raw) > 100 or not raw.isascii():
        return None
    token = ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # Conditional, so that concurrent requests within the same minute write once between them.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token.user, token
