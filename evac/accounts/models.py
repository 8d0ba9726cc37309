from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, TimestampMixin

from evac.accounts.roles import Can, Role, capabilities


class User(AbstractUser):
    """A member of staff. Applicants never get accounts: they use their reference and secret."""

    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    # Part of the hash every session carries (below): raising it ends all of this user's sessions at their
    # next request, without touching the session store.
    session_epoch = models.PositiveIntegerField(_("session epoch"), default=0)

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def get_session_auth_hash(self) -> str:
        return self._session_hash(settings.SECRET_KEY)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret)

    def _session_hash(self, secret: str) -> str:
        # As Django's own (a password change ends the sessions too), with the epoch added.
        return salted_hmac(
            "evac.accounts.User.session",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Organisation(models.Model):
    """A tenant: a nation's immigration department, a defence ministry, an NGO. Sees only its own cases."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Exports with more rows than this wait for a second member's approval (evac/exports); 0: all of them.
    export_approval_threshold = models.PositiveIntegerField(
        _("rows an export may hold without approval"), default=200
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # Exporting is granted to a person, never implied by a role: a file leaves the system's control.
    may_export = models.BooleanField(_("may export"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org"),
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation.slug} ({self.role})"

    def can(self, capability: Can) -> bool:
        return capability in capabilities(self.role)

    def can_export(self) -> bool:
        """The grant alone is not enough: only a member who may read the cases may take them out."""
        return self.may_export and self.can(Can.VIEW_CASES)


class SecurityKey(TimestampMixin, Device):
    """A WebAuthn credential (a hardware key, or a phone or laptop used as one): a second factor that a
    phishing site cannot relay. A django-otp device, so that a session verified by it is verified like any
    other; it has no typed code, only the signed challenge of evac/accounts/security_keys.py."""

    credential_id = models.CharField(_("credential ID"), max_length=1400, unique=True)
    public_key = models.BinaryField(_("public key"))
    sign_count = models.PositiveBigIntegerField(_("signature count"), default=0)

    class Meta(Device.Meta):
        verbose_name = _("security key")
        verbose_name_plural = _("security keys")

    def verify_token(self, token) -> bool:
        return False  # proved by a signature, never by a typed code
