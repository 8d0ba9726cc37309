"""The applicant checks their application's status with the reference number and the secret."""

import re
from unittest import mock

import pytest

from evac.audit.models import AuditEvent
from evac.cases.models import Application
from evac.cases.workflow import Status
from evac.conftest import make_case
from evac.intake import services
from evac.intake.tests.conftest import apply, url

pytestmark = pytest.mark.django_db


def check(client, reference, secret, lang="en", **extra):
    return client.post(url("status", lang), {"reference": reference, "secret": secret}, **extra)


def without_what_was_typed(response) -> str:
    """The page, less the CSRF token and the reference as typed (shown back to the applicant)."""
    return re.sub(r'value="[^"]*"', "", response.content.decode())


def test_the_reference_and_secret_show_the_status_in_the_applicants_language(client, canada):
    reference, secret = apply(client, "fa")
    response = check(client, reference, secret, "fa")
    page = response.content.decode()
    assert response.status_code == 200
    assert "دریافت شد" in page  # "Received"
    assert "Mohammad" in page and "Ahmadzai" not in page and "Gul Ahmad" not in page
    assert "+93" not in page


def test_the_reference_and_secret_may_be_typed_loosely(client, canada):
    reference, secret = apply(client)
    response = check(client, reference.replace("-", " ").lower(), secret.replace("-", "").lower())
    assert "Received" in response.content.decode() and "could not find" not in response.content.decode()


def test_the_status_page_follows_the_case(client, canada):
    reference, secret = apply(client)
    Application.objects.update(status=Status.APPROVED)
    page = check(client, reference, secret).content.decode()
    assert "Approved" in page and "Your application is approved." in page


def test_an_unknown_reference_and_a_wrong_secret_give_the_same_answer(client, canada):
    reference, secret = apply(client)
    assert len(reference) == len("K7M-4QX-9P2")
    wrong_secret = check(client, reference, "2222-2222")
    unknown = check(client, "K7M-4QX-9P2", secret)
    assert wrong_secret.status_code == unknown.status_code == 200
    assert without_what_was_typed(wrong_secret) == without_what_was_typed(unknown)
    assert "could not find" in wrong_secret.content.decode()


def test_an_unknown_reference_costs_the_same_hashing_as_a_wrong_secret(client, canada):
    reference, _secret = apply(client)
    with mock.patch.object(services, "check_password", wraps=services.check_password) as checked:
        check(client, reference, "2222-2222")
        check(client, "K7M-4QX-9P2", "2222-2222")
    assert checked.call_count == 2
    # Both calls hashed against a real, usable hash: the dummy stands in for the missing one.
    assert all(call.args[1].startswith(("md5$", "argon2", "pbkdf2")) for call in checked.call_args_list)


def test_a_staff_case_without_a_secret_cannot_be_opened(client, canada, officer):
    case = make_case(canada, actor=officer)
    page = check(client, case.display_reference, "").content.decode()
    assert "Please fill in this field" in page
    page = check(client, case.display_reference, "2222-2222").content.decode()
    assert "could not find" in page


def test_each_check_is_audited_and_names_the_case_only_on_success(client, canada):
    reference, secret = apply(client)
    check(client, reference, "2222-2222")
    check(client, "K7M-4QX-9P2", secret)
    check(client, reference, secret)
    events = list(AuditEvent.objects.filter(action="case.status_check").order_by("id"))
    assert [e.detail["success"] for e in events] == [False, False, True]
    assert [e.target_ref for e in events] == ["", "", Application.objects.get().reference]
    assert events[0].organisation is None and events[2].organisation == canada
    assert all(e.actor is None and e.ip == "127.0.0.1" and e.detail["channel"] == "web" for e in events)


def test_failed_checks_from_one_address_are_limited(client, canada):
    reference, secret = apply(client)
    for i in range(10):
        assert check(client, f"K7M-4QX-9P{i}", "2222-2222").status_code == 200
    blocked = check(client, reference, secret)
    assert blocked.status_code == 429 and blocked["Retry-After"] == "3600"
    assert "too many attempts" in blocked.content.decode()
    # Another address is not affected.
    assert check(client, reference, secret, REMOTE_ADDR="10.1.1.1").status_code == 200


def test_failed_checks_of_one_reference_are_limited_whatever_the_address(client, canada):
    reference, secret = apply(client)
    for i in range(5):
        check(client, reference, "2222-2222", REMOTE_ADDR=f"10.0.0.{i}")
    blocked = check(client, reference, secret, "ps", REMOTE_ADDR="10.0.9.9")
    assert blocked.status_code == 429
    assert '<html lang="ps" dir="rtl">' in blocked.content.decode()
    assert AuditEvent.objects.filter(action="case.status_check", detail__success=True).count() == 0


def test_successful_checks_do_not_use_up_the_limit(client, canada):
    reference, secret = apply(client)
    for _ in range(12):
        assert check(client, reference, secret).status_code == 200
