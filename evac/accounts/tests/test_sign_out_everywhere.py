import pytest
from django.test import Client
from django.urls import reverse

from evac.accounts.tests.helpers import code, enrol, second_step, sign_in
from evac.api.services import issue_token
from evac.audit.models import AuditEvent

CASES = "/o/canada/cases/"


@pytest.fixture(autouse=True)
def _require_2fa(settings):
    settings.EVAC_REQUIRE_2FA = True


@pytest.mark.django_db
def test_signing_out_everywhere_ends_the_other_sessions_too(officer):
    device, _codes = enrol(officer)
    phone, laptop = Client(), Client()
    for browser in (phone, laptop):
        sign_in(browser, "officer")
        second_step(browser, code(device))
        assert browser.get(CASES).status_code == 200
    _token, raw = issue_token(officer, name="script")

    response = laptop.post(reverse("accounts:sign_out_everywhere"))
    assert response["Location"] == reverse("accounts:sign_in")
    for browser in (phone, laptop):
        response = browser.get(CASES)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign_in"))
    # Tokens are not sessions: a script keeps working.
    response = phone.get("/api/v1/orgs/canada/applications", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(actor=officer, action="auth.sign_out_everywhere").count() == 1
    # Signing in again works as ever.
    sign_in(phone, "officer")
    second_step(phone, code(device))
    assert phone.get(CASES).status_code == 200


@pytest.mark.django_db
def test_signing_out_everywhere_needs_the_second_factor(client, officer):
    enrol(officer)
    sign_in(client, "officer")
    response = client.post(reverse("accounts:sign_out_everywhere"))
    assert response["Location"].startswith(reverse("accounts:two_factor"))
    assert not AuditEvent.objects.filter(action="auth.sign_out_everywhere").exists()


@pytest.mark.django_db
def test_an_operator_resets_the_second_factors_of_a_user_who_lost_them(client, officer):
    from django.core.management import call_command

    device, _codes = enrol(officer)
    sign_in(client, "officer")
    second_step(client, code(device))
    call_command("reset_two_factor", user="officer")
    assert client.get(CASES).status_code == 302  # the session ended
    sign_in(client, "officer")
    assert client.get(CASES)["Location"].startswith(reverse("accounts:two_factor_setup"))
    assert AuditEvent.objects.filter(action="auth.2fa_reset", target_ref="officer").exists()
