import uuid

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evac.audit.models import AuditEvent
from evac.notify.models import Message
from evac.notify.services import send_to_applicant
from evac.protection import keys


def url(case) -> str:
    return reverse("notify:case_messages", kwargs={"org": "canada", "ref": case.reference})


def principal_id(case) -> str:
    return str(case.people.get(relationship="self").public_id)


@pytest.mark.django_db
def test_an_officer_writes_to_the_applicant_and_sees_it_in_the_history(client, officer, emailed_case):
    client.force_login(officer)
    page = client.get(url(emailed_case)).content.decode()
    assert "w***@example.org" in page and "wali.ahmadzai" not in page
    key = str(uuid.uuid4())
    form = {
        "recipient": principal_id(emailed_case),
        "subject": "Your interview",
        "body": "Come on Tuesday at 9.",
        "idempotency_key": key,
    }
    response = client.post(url(emailed_case), form, follow=True)
    assert response.redirect_chain[-1][0] == url(emailed_case)
    page = response.content.decode()
    assert "Message sent to w***@example.org" in page
    assert "Your interview" in page and "Come on Tuesday at 9." in page
    assert "wali.ahmadzai" not in page
    assert [e.to for e in mail.outbox] == [["wali.ahmadzai@example.org"]]
    client.post(url(emailed_case), form)  # the same form again: a doubled click
    assert len(mail.outbox) == 1 and Message.objects.count() == 1


@pytest.mark.django_db
def test_the_case_page_shows_what_was_sent_and_links_to_the_form(client, officer, clerk, emailed_case):
    client.force_login(officer)
    client.post(
        url(emailed_case),
        {"recipient": principal_id(emailed_case), "subject": "Your interview", "body": "Tuesday."},
    )
    detail = reverse("cases:detail", kwargs={"org": "canada", "ref": emailed_case.reference})
    page = client.get(detail).content.decode()
    assert "Your interview" in page and url(emailed_case) in page
    client.force_login(clerk)  # may read the case, may not write to the family
    page = client.get(detail).content.decode()
    assert "Your interview" in page and url(emailed_case) not in page


@pytest.mark.django_db
def test_reading_the_messages_is_audited(client, officer, emailed_case):
    client.force_login(officer)
    client.get(url(emailed_case))
    event = AuditEvent.objects.get(action="message.list")
    assert event.actor == officer and event.target_ref == emailed_case.reference


@pytest.mark.django_db
def test_a_family_without_email_gets_a_notice_not_a_form(client, officer, case):
    client.force_login(officer)
    page = client.get(url(case)).content.decode()
    assert "no message can be sent" in page and 'name="subject"' not in page
    response = client.post(url(case), {"recipient": principal_id(case), "subject": "Hi", "body": "Text"})
    assert response.status_code == 200 and mail.outbox == []


@pytest.mark.django_db
def test_a_bad_form_sends_nothing_and_keeps_what_was_typed(client, officer, emailed_case):
    client.force_login(officer)
    response = client.post(
        url(emailed_case),
        {"recipient": principal_id(emailed_case), "subject": "Two\nlines", "body": "Kept text"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "The subject is one line." in page and "Kept text" in page
    assert mail.outbox == [] and not Message.objects.exists()


@pytest.mark.django_db
def test_only_those_who_may_write_to_applicants_reach_the_page(
    client, emailed_case, clerk, verifier, auditor, admin_user, outsider
):
    for user in (clerk, verifier, auditor, admin_user):
        client.force_login(user)
        assert client.get(url(emailed_case)).status_code == 403, user
        assert client.post(url(emailed_case), {"subject": "x", "body": "y"}).status_code == 403, user
    client.force_login(outsider)
    assert client.get(url(emailed_case)).status_code == 404
    foreign = reverse("notify:case_messages", kwargs={"org": "uk", "ref": emailed_case.reference})
    assert client.get(foreign).status_code == 404
    assert mail.outbox == []
    client.logout()
    assert client.get(url(emailed_case)).status_code == 302


@pytest.mark.django_db
def test_the_history_reads_a_fixed_number_of_queries(client, officer, emailed_case):
    client.force_login(officer)
    send_to_applicant(emailed_case, subject="First", body="Text", actor=officer)
    keys.assume_committed_for_tests()
    client.get(url(emailed_case))
    with CaptureQueriesContext(connection) as one:
        client.get(url(emailed_case))
    for n in range(5):
        send_to_applicant(emailed_case, subject=f"Message {n}", body="Text", actor=officer)
    with CaptureQueriesContext(connection) as six:
        assert "Message 4" in client.get(url(emailed_case)).content.decode()
    assert len(six.captured_queries) == len(one.captured_queries)
