import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from evac.audit.models import AuditEvent
from evac.audit.services import Origin
from evac.cases.models import Person, Relationship
from evac.conftest import make_case
from evac.notify.addresses import mask_address
from evac.notify.models import Message, MessageState
from evac.notify.services import NoEmailAddress, send_to_applicant
from evac.notify.tests.conftest import with_email

WEB = Origin(ip="10.1.2.3")


@pytest.mark.django_db
def test_one_message_goes_to_the_principal_alone(emailed_case, officer):
    message = send_to_applicant(
        emailed_case, subject="Your interview", body="Come on Tuesday.", actor=officer, origin=WEB
    )
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["wali.ahmadzai@example.org"]
    assert email.cc == [] and email.bcc == [] and email.reply_to == []
    assert email.recipients() == ["wali.ahmadzai@example.org"]
    assert email.subject == "Your interview"
    assert "Come on Tuesday." in email.body and emailed_case.display_reference in email.body
    assert message.state == MessageState.SENT and message.address == "wali.ahmadzai@example.org"
    assert message.person.relationship == Relationship.SELF and message.sent_by == officer


@pytest.mark.django_db
def test_the_message_is_audited_without_its_address_or_text(emailed_case, officer):
    message = send_to_applicant(
        emailed_case, subject="Your interview", body="Come on Tuesday.", actor=officer, origin=WEB
    )
    event = AuditEvent.objects.get(action="message.sent")
    assert event.target_ref == emailed_case.reference and event.actor == officer
    assert event.organisation == emailed_case.organisation and event.ip == "10.1.2.3"
    assert event.detail["message"] == str(message.public_id)
    assert event.detail["person"] == str(message.person.public_id)
    assert event.detail["channel"] == "web" and event.detail["via"] == "email"
    flat = event.canonical()
    for secret in ("wali.ahmadzai", "example.org", "Tuesday", "interview"):
        assert secret not in flat


@pytest.mark.django_db
def test_a_case_without_email_is_refused_and_nothing_is_sent(case, officer):
    with pytest.raises(NoEmailAddress, match=case.display_reference):
        send_to_applicant(case, subject="Hello", body="Text", actor=officer)
    assert mail.outbox == []
    assert not Message.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="message.").exists()


@pytest.mark.django_db
def test_another_member_of_the_family_can_be_written_to(emailed_case, officer):
    spouse = emailed_case.people.get(relationship=Relationship.SPOUSE)
    spouse.email = "fatima@example.net"
    spouse.save(update_fields=["email"])
    message = send_to_applicant(emailed_case, subject="Hello", body="Text", actor=officer, person=spouse)
    assert mail.outbox[0].to == ["fatima@example.net"]
    assert message.person == spouse


@pytest.mark.django_db
def test_a_person_of_another_case_is_refused(emailed_case, canada, officer):
    other = with_email(make_case(canada, actor=officer), "other@example.org")
    stranger = Person.objects.get(application=other, relationship=Relationship.SELF)
    with pytest.raises(ValueError, match="not a member"):
        send_to_applicant(emailed_case, subject="Hello", body="Text", actor=officer, person=stranger)
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_message_is_in_the_applicants_language(emailed_case, officer):
    emailed_case.language = "ps"
    emailed_case.save(update_fields=["language"])
    message = send_to_applicant(emailed_case, subject="Hello", body="Text", actor=officer)
    assert message.language == "ps"
    assert AuditEvent.objects.get(action="message.sent").detail["language"] == "ps"
    emailed_case.language = "xx"  # nothing a catalog knows: the site's language
    emailed_case.save(update_fields=["language"])
    assert send_to_applicant(emailed_case, subject="Hello", body="Text", actor=officer).language == "en"


@pytest.mark.django_db
def test_a_refused_address_is_recorded_as_failed_with_the_address_masked(canada, officer, refusing_mail):
    application = with_email(make_case(canada, actor=officer), "refused.mailbox@example.org")
    message = send_to_applicant(application, subject="Hello", body="Text", actor=officer)
    assert message.state == MessageState.FAILED
    assert "SMTPRecipientsRefused" in message.failure
    assert "refused.mailbox" not in message.failure and "r***@example.org" in message.failure
    event = AuditEvent.objects.get(action="message.failed")
    assert event.detail["error"] == "SMTPRecipientsRefused"
    assert "example.org" not in event.canonical()


@pytest.mark.django_db
def test_a_doubled_click_sends_once(emailed_case, officer):
    key = uuid.uuid4()
    first = send_to_applicant(emailed_case, subject="Hello", body="Text", actor=officer, idempotency_key=key)
    again = send_to_applicant(emailed_case, subject="Hello", body="Text", actor=officer, idempotency_key=key)
    assert first == again
    assert len(mail.outbox) == 1 and Message.objects.count() == 1


@pytest.mark.django_db
def test_a_subject_stays_one_line_and_empty_text_is_refused(emailed_case, officer):
    send_to_applicant(emailed_case, subject="Hello\r\nBcc: everyone@example.org", body="Text", actor=officer)
    email = mail.outbox[0]
    assert email.subject == "Hello Bcc: everyone@example.org"
    assert email.bcc == [] and "everyone@example.org" not in email.recipients()
    assert "\nBcc:" not in email.message().as_string()
    with pytest.raises(ValidationError):
        send_to_applicant(emailed_case, subject="Hello", body="   ", actor=officer)
    with pytest.raises(ValidationError):
        send_to_applicant(emailed_case, subject=" ", body="Text", actor=officer)


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("ahmad.wali@example.org", "a***@example.org"),
        ("x@gmail.com", "x***@gmail.com"),
        ("", "***"),
        ("not-an-address", "***"),
        ("@example.org", "***"),
    ],
)
def test_addresses_are_masked(address, masked):
    assert mask_address(address) == masked


@pytest.mark.django_db
def test_a_key_of_another_cases_message_is_refused_before_sending(emailed_case, canada, officer):
    key = uuid.uuid4()
    send_to_applicant(emailed_case, subject="Hello", body="Text", actor=officer, idempotency_key=key)
    other = with_email(make_case(canada, actor=officer), "other@example.org")
    with pytest.raises(ValidationError):
        send_to_applicant(other, subject="Hello", body="Text", actor=officer, idempotency_key=key)
    assert [e.to for e in mail.outbox] == [["wali.ahmadzai@example.org"]]
