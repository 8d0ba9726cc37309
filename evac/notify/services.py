"""Messages to applicants: the only place evac sends mail (security/semgrep.yml keeps it so).

One message carries one applicant's address, in `to`, and nobody else's: no cc, no bcc, no reply-to list.
In 2021 one email to hundreds of Afghan interpreters showed every address to every reader; here a message
to many cases is many messages. Each message is recorded (Message) and audited without its address or text.
"""

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from evac.accounts.models import User
from evac.audit.services import COMMAND, Origin, record_event
from evac.cases.models import Application, Person, Relationship
from evac.notify.addresses import mask_address
from evac.notify.models import Channel, Message, MessageState

CASE = "application"
SUBJECT_MAX = 200
BODY_MAX = 10_000


class NoEmailAddress(Exception):
    """The case (or the chosen member of the family) has no email address: nothing can be sent."""

    def __init__(self, application: Application, person: Person | None = None):
        self.application = application
        self.person = person
        super().__init__(
            f"case {application.display_reference} has no email address for "
            f"{'the principal applicant' if person is None else 'this member of the family'}"
        )


def recipient(application: Application, person: Person | None = None) -> Person:
    """The person a message goes to: the one asked for, or the principal applicant."""
    if person is not None:
        if person.application_id != application.pk:
            raise ValueError("the person is not a member of this case's family")
        chosen = person
    else:
        chosen = application.people.filter(relationship=Relationship.SELF).first()
    if chosen is None or not chosen.email:
        raise NoEmailAddress(application, person)
    return chosen


def message_language(application: Application) -> str:
    """The language the applicant chose (en, fr, fa, ps); the site's default when they chose none."""
    languages = {code for code, _name in settings.LANGUAGES}
    return application.language if application.language in languages else settings.LANGUAGE_CODE


def compose(application: Application, body: str, language: str) -> str:
    """The officer's text between a heading and a footer in the applicant's language.

    Built in Python rather than a template: a plain-text template would escape the officer's apostrophes
    as HTML, and switching escaping off is what evac-template-unescaped forbids.
    """
    with translation.override(language):
        heading = _("About your application {reference}:").format(reference=application.display_reference)
        footer = _(
            "This message was sent to you alone. Nobody working on your case will ever ask you for the "
            "secret you were given with your reference number."
        )
    return f"{heading}\n\n{body.strip()}\n\n-- \n{footer}\n"


def clean_subject(subject: str) -> str:
    # One line: a line break in a subject is a header injected into the message.
    subject = " ".join((subject or "").split())
    if not subject:
        raise ValidationError(_("Give the message a subject."))
    if len(subject) > SUBJECT_MAX:
        raise ValidationError(_("The subject is too long (at most {n} characters).").format(n=SUBJECT_MAX))
    return subject


def clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError(_("Write the message."))
    if len(body) > BODY_MAX:
        raise ValidationError(_("The message is too long (at most {n} characters).").format(n=BODY_MAX))
    return body


ADDRESS = re.compile(r"[^\s<>()\[\]{}'\",;:@]+@[^\s<>()\[\]{}'\",;:]+")


def describe_failure(error: BaseException) -> str:
    """What the mail system said, short, with any address in it masked (an SMTP refusal quotes the
    address): it is shown on staff pages. Stored on the message, never in the audit log."""
    text = ADDRESS.sub(lambda match: mask_address(match.group(0)), str(error).strip())
    return f"{type(error).__name__}: {text}"[:300] if text else type(error).__name__


def send_to_applicant(
    application: Application,
    *,
    subject: str,
    body: str,
    actor: User | None,
    origin: Origin = COMMAND,
    person: Person | None = None,
    connection=None,
    idempotency_key: uuid.UUID | None = None,
) -> Message:
    """Send one message to one member of one case (the principal applicant unless `person` is given).

    Returns the recorded Message, sent or failed: a mail system that refuses is recorded, not raised.
    Raises NoEmailAddress when there is nowhere to send it, ValidationError for an empty or oversized
    subject or text. The same idempotency key twice (a doubled click) returns the first message unsent.

    The mail leaves before the record is written: a record of a message that never left would be worse
    than the rare message whose record a crash lost.
    """
    subject, body = clean_subject(subject), clean_body(body)
    earlier = _sent_with(idempotency_key, application)
    if earlier is not None:
        return earlier
    to = recipient(application, person)
    language = message_language(application)
    text = compose(application, body, language)
    email = EmailMessage(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to.email],
        connection=connection,
    )
    try:
        email.send()
    except Exception as error:  # whatever the mail system raised, the attempt is recorded
        state, failure, error_name = MessageState.FAILED, describe_failure(error), type(error).__name__
    else:
        state, failure, error_name = MessageState.SENT, "", ""
    message = Message(
        application=application,
        person=to,
        channel=Channel.EMAIL,
        address=to.email,
        language=language,
        subject=subject,
        body=text,
        sent_by=actor if actor is not None and actor.pk else None,
        sent_at=timezone.now(),
        state=state,
        failure=failure,
        idempotency_key=idempotency_key,
    )
    try:
        with transaction.atomic():
            message.save(force_insert=True)
            record_event(
                "message.sent" if state == MessageState.SENT else "message.failed",
                actor=actor,
                organisation=application.organisation,
                target_type=CASE,
                target_ref=application.reference,
                origin=origin,
                # Which message, to whom in the family, in what language: never the address or the text.
                detail={
                    "message": str(message.public_id),
                    "via": Channel.EMAIL.value,  # "channel" is the origin's (web, command)
                    "person": str(to.public_id),
                    "language": language,
                    **({"error": error_name} if error_name else {}),
                },
            )
    except IntegrityError:
        # The same key raced in from a second request that recorded first: that one is the answer.
        earlier = _sent_with(idempotency_key, application)
        if earlier is None:
            raise
        return earlier
    return message


def _sent_with(idempotency_key: uuid.UUID | None, application: Application) -> Message | None:
    """The message already sent with this form's key, if any. A key of another case's message is refused
    before anything is sent: answering with that message would show another family's."""
    if idempotency_key is None:
        return None
    earlier = Message.objects.filter(idempotency_key=idempotency_key).first()
    if earlier is not None and earlier.application_id != application.pk:
        raise ValidationError(_("This form was already used for another case: open the page again."))
    return earlier


@dataclass
class NotifyReport:
    """What happened to each case of a message to many: references sent, skipped (no email), failed."""

    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


def notify_applicants(
    applications: Iterable[Application],
    *,
    subject: str,
    body: str,
    actor: User | None,
    origin: Origin = COMMAND,
) -> NotifyReport:
    """The same text to many cases, as one message per case: never one message to many addresses.

    One connection to the mail server is reused, each message with its own single recipient; after a
    failure it is closed, so that a broken connection fails one case and not every case after it.
    """
    subject, body = clean_subject(subject), clean_body(body)
    report = NotifyReport()
    connection = get_connection()
    try:
        for application in applications:
            try:
                message = send_to_applicant(
                    application,
                    subject=subject,
                    body=body,
                    actor=actor,
                    origin=origin,
                    connection=connection,
                )
            except NoEmailAddress:
                report.skipped.append(application.reference)
                continue
            except Exception as error:  # one case's failure must not stop the others
                report.failed[application.reference] = describe_failure(error)
                connection.close()
                continue
            if message.state == MessageState.SENT:
                report.sent.append(application.reference)
            else:
                report.failed[application.reference] = message.failure
                connection.close()
    finally:
        connection.close()
    return report
