import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evac.cases.models import Application, Person
from evac.notify.addresses import mask_address
from evac.protection.fields import ProtectedField, ProtectedModel


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")


class MessageState(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Message(ProtectedModel):
    """One message to one applicant, as it was sent: the case page shows what the family was told.

    Written only by evac.notify.services, after the mail system has answered, so that the state is what
    happened rather than what was hoped.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="messages")
    person = models.ForeignKey(
        Person,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    # The address as it was when the message left: the person's may change later.
    # Encrypted like the person's own (evac/protection), and so is the text, which may hold anything.
    address = ProtectedField(_("address"), kind="email", max_length=254)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=200)
    body = ProtectedField(_("message"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    state = models.CharField(_("state"), max_length=8, choices=MessageState.choices)
    failure = models.CharField(_("failure reason"), max_length=300, blank=True)
    # Set by the form that sent it, so that a doubled click sends one message.
    idempotency_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    protected_by = "application__organisation"

    class Meta:
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["application", "-sent_at"], name="message_case_sent")]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.get_state_display()} {self.sent_at:%Y-%m-%d %H:%M} {self.subject}"

    @property
    def masked_address(self) -> str:
        return mask_address(self.address)
