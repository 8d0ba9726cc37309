"""The 2021 failure, proved impossible: a message to many applicants is many messages, each with one
address and no other applicant's anywhere in it."""

import pytest
from django.core import mail

from evac.audit.models import AuditEvent
from evac.conftest import make_case
from evac.notify.models import Message, MessageState
from evac.notify.services import notify_applicants
from evac.notify.tests.conftest import with_email


def interpreters(canada, officer, n: int) -> list:
    return [
        with_email(make_case(canada, actor=officer, children=0), f"interpreter{i}@example.org")
        for i in range(n)
    ]


@pytest.mark.django_db
def test_n_cases_get_n_messages_each_with_one_address_and_no_other(canada, officer):
    cases = interpreters(canada, officer, 6)
    addresses = [f"interpreter{i}@example.org" for i in range(6)]
    report = notify_applicants(cases, subject="Flight news", body="Stay reachable.", actor=officer)
    assert report.sent == [c.reference for c in cases]
    assert report.skipped == [] and report.failed == {}
    assert len(mail.outbox) == 6
    for email, own in zip(mail.outbox, addresses, strict=True):
        assert email.to == [own] and len(email.to) == 1
        assert email.cc == [] and email.bcc == [] and email.reply_to == []
        assert email.recipients() == [own]
        # The whole message as it goes on the wire: headers and body.
        wire = email.message().as_string()
        others = [a for a in addresses if a != own and a in wire]
        assert not others, others
    assert Message.objects.filter(state=MessageState.SENT).count() == 6
    assert AuditEvent.objects.filter(action="message.sent").count() == 6


@pytest.mark.django_db
def test_each_hand_over_to_the_mail_server_carries_one_message_for_one_address(
    canada, officer, recording_mail
):
    cases = interpreters(canada, officer, 4)
    notify_applicants(cases, subject="Flight news", body="Stay reachable.", actor=officer)
    assert recording_mail == [[[f"interpreter{i}@example.org"]] for i in range(4)]


@pytest.mark.django_db
def test_one_failure_does_not_stop_the_others_and_each_case_is_reported(canada, officer, refusing_mail):
    first, second = interpreters(canada, officer, 2)
    refused = with_email(make_case(canada, actor=officer), "refused@example.org")
    unreachable = make_case(canada, actor=officer)  # no email at all
    report = notify_applicants(
        [first, refused, unreachable, second], subject="Flight news", body="Stay reachable.", actor=officer
    )
    assert report.sent == [first.reference, second.reference]
    assert report.skipped == [unreachable.reference]
    assert list(report.failed) == [refused.reference]
    assert "SMTPRecipientsRefused" in report.failed[refused.reference]
    assert [e.to for e in mail.outbox] == [["interpreter0@example.org"], ["interpreter1@example.org"]]
    assert Message.objects.get(application=refused).state == MessageState.FAILED
    assert not Message.objects.filter(application=unreachable).exists()
    assert AuditEvent.objects.filter(action="message.failed", target_ref=refused.reference).count() == 1


@pytest.mark.django_db
def test_a_case_whose_recording_breaks_is_failed_and_the_rest_go_on(canada, officer, monkeypatch):
    from evac.notify import services

    cases = interpreters(canada, officer, 3)
    real = services.recipient

    def broken_for_the_second(application, person=None):
        if application == cases[1]:
            raise RuntimeError("database went away")
        return real(application, person)

    monkeypatch.setattr(services, "recipient", broken_for_the_second)
    report = notify_applicants(cases, subject="Flight news", body="Stay reachable.", actor=officer)
    assert report.sent == [cases[0].reference, cases[2].reference]
    assert report.failed == {cases[1].reference: "RuntimeError: database went away"}
