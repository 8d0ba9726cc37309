import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from evac.cases.models import Application, Relationship
from evac.conftest import make_case


class RefusingBackend(LocmemBackend):
    """Django's in-memory backend, except that the mail server refuses any address with "refused" in it,
    as an SMTP server refuses a mailbox that does not exist."""

    def send_messages(self, messages):
        for message in messages:
            for address in message.recipients():
                if "refused" in address:
                    raise smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 mailbox unavailable")})
        return super().send_messages(messages)


class RecordingBackend(LocmemBackend):
    """Django's in-memory backend that also keeps, per call, the recipients of each message handed over."""

    calls: list[list[list[str]]] = []

    def send_messages(self, messages):
        RecordingBackend.calls.append([m.recipients() for m in messages])
        return super().send_messages(messages)


def with_email(application: Application, address: str) -> Application:
    principal = application.people.get(relationship=Relationship.SELF)
    principal.email = address  # sealed as it is saved: the column is encrypted
    principal.save(update_fields=["email"])
    return application


@pytest.fixture
def refusing_mail(settings):
    settings.EMAIL_BACKEND = "evac.notify.tests.conftest.RefusingBackend"


@pytest.fixture
def recording_mail(settings):
    settings.EMAIL_BACKEND = "evac.notify.tests.conftest.RecordingBackend"
    RecordingBackend.calls = []
    return RecordingBackend.calls


@pytest.fixture
def emailed_case(canada, officer):
    return with_email(make_case(canada, actor=officer), "wali.ahmadzai@example.org")
