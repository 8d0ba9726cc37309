import secrets
import uuid
from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evac.core import references

DRAFT_DAYS = 7
SECRET_LENGTH = 8


def new_secret() -> str:
    """Eight symbols from the reference alphabet (about 40 bits): easy to copy by hand, no look-alikes."""
    return "".join(secrets.choice(references.ALPHABET) for _ in range(SECRET_LENGTH))


def draft_expiry():
    return timezone.now() + timedelta(days=DRAFT_DAYS)


class IntakeDraft(models.Model):
    """An applicant's half-filled form, kept on the server so that a dropped connection loses nothing.

    The key is random and lives only in the applicant's session. The secret is drawn when the draft is
    made, not at submission, so that two racing submissions of one draft show the applicant the same
    secret; it is deleted with the draft, leaving only its hash on the application.
    """

    key = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    language = models.CharField(_("language"), max_length=8)
    data = models.JSONField(_("answers"), default=dict)
    secret = models.CharField(max_length=SECRET_LENGTH, default=new_secret, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    expires_at = models.DateTimeField(_("expires at"), default=draft_expiry, db_index=True)

    class Meta:
        verbose_name = _("application draft")
        verbose_name_plural = _("application drafts")

    def __str__(self) -> str:
        return str(self.key)


class LimitHit(models.Model):
    """One counted attempt (a status check, a draft, a submission) for the rate limits.

    In the database because Django's cache is per process and evac runs without a cache server. The
    address or reference is kept only as a keyed hash: the table must not become a log of who asked.
    """

    scope = models.CharField(max_length=32)
    key_hash = models.CharField(max_length=64)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["scope", "key_hash", "at"], name="intake_limit_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} {self.at:%Y-%m-%d %H:%M}"
