"""Lockout after repeated failures (django-axes): five failures for a username, at either step of the
sign-in, lock it for an hour, with one message that says nothing about the account."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from evac.accounts.tests.helpers import code, enrol, second_step, sign_in
from evac.audit.models import AuditEvent

CASES = "/o/canada/cases/"


@pytest.fixture(autouse=True)
def _require_2fa(settings):
    settings.EVAC_REQUIRE_2FA = True


def locked_page(response) -> bool:
    return response.status_code == 429 and "Too many failed attempts" in response.content.decode()


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_username_even_for_the_right_one(client, officer):
    for _ in range(4):
        response = sign_in(client, "officer", "wrong password")
        assert response.status_code == 200 and not locked_page(response)
    assert locked_page(sign_in(client, "officer", "wrong password"))
    response = sign_in(client, "officer")  # the right password, too late
    assert locked_page(response)
    assert "60 minutes" in response.content.decode()
    assert not client.session.get("_auth_user_id")
    assert AuditEvent.objects.filter(action="auth.sign_in_failed").count() == 6
    [locked] = AuditEvent.objects.filter(action="auth.locked_out")
    assert locked.detail["username"] == "officer"


@pytest.mark.django_db
def test_the_lockout_reads_the_same_for_a_username_that_does_not_exist(client, officer):
    for _ in range(5):
        unknown = sign_in(client, "nobody-by-this-name", "whatever")
    for _ in range(5):
        known = sign_in(client, "officer", "wrong password")
    assert locked_page(unknown) and locked_page(known)

    def main(response) -> str:
        return response.content.decode().split("<main>")[1]

    assert main(unknown) == main(known)
    assert [e.detail["username"] for e in AuditEvent.objects.filter(action="auth.locked_out")] == [
        "(unknown)",
        "officer",
    ]


@pytest.mark.django_db
def test_a_lockout_is_per_username_not_per_address(client, officer, clerk):
    for _ in range(5):
        sign_in(client, "officer", "wrong password")
    # A colleague at the same desk (the same address) still signs in.
    response = sign_in(client, "clerk")
    assert response.status_code == 302


@pytest.mark.django_db
def test_guessing_second_factor_codes_locks_the_username_and_ends_the_half_session(client, officer):
    device, _codes = enrol(officer)
    sign_in(client, "officer")
    right = code(device)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(4):
        assert second_step(client, wrong).status_code == 200
    response = second_step(client, wrong)
    assert locked_page(response)
    # The password step is over for this browser: it must start again, and the username is locked.
    assert not client.session.get("_auth_user_id")
    assert client.get(CASES).status_code == 302
    assert locked_page(sign_in(client, "officer"))
    assert AuditEvent.objects.filter(actor=officer, action="auth.2fa_failed").count() == 5
    assert AuditEvent.objects.filter(action="auth.locked_out").count() == 1


@pytest.mark.django_db
def test_password_and_code_failures_add_up(client, officer):
    device, _codes = enrol(officer)
    for _ in range(3):
        sign_in(client, "officer", "wrong password")
    sign_in(client, "officer")
    # A correct password does not wipe the count: otherwise codes could be guessed forever.
    second_step(client, "000000" if code(device) != "000000" else "111111")
    response = second_step(client, "999999" if code(device) != "999999" else "888888")
    assert locked_page(response)


@pytest.mark.django_db
def test_both_factors_through_clear_the_count(client, officer):
    device, _codes = enrol(officer)
    for _ in range(4):
        sign_in(client, "officer", "wrong password")
    sign_in(client, "officer")
    second_step(client, code(device))
    assert client.get(CASES).status_code == 200
    client.post(reverse("accounts:sign_out"))
    for _ in range(4):
        assert not locked_page(sign_in(client, "officer", "wrong password"))


@pytest.mark.django_db
def test_an_operator_lifts_a_lockout(client, officer, capsys):
    for _ in range(5):
        sign_in(client, "officer", "wrong password")
    call_command("reset_two_factor", user="officer", unlock_only=True)
    assert sign_in(client, "officer").status_code == 302
    assert AuditEvent.objects.filter(action="auth.unlock", target_ref="officer").exists()
