"""Two-factor sign-in for staff: setting up an authenticator app, the second step, recovery codes, and the
middleware that keeps every staff page behind it."""

import pytest
from django.core.checks import Error
from django.core.checks import Warning as CheckWarning
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from evac.accounts.checks import two_factor_required
from evac.accounts.tests.helpers import code, enrol, second_step, sign_in
from evac.api.services import issue_token
from evac.audit.models import AuditEvent

CASES = "/o/canada/cases/"


@pytest.fixture(autouse=True)
def _require_2fa(settings):
    settings.EVAC_REQUIRE_2FA = True


@pytest.mark.django_db
def test_a_first_sign_in_leads_to_setting_up_an_authenticator_app(client, officer):
    response = sign_in(client, "officer")
    assert response.status_code == 302
    # Any staff page sends a user without a second factor to set one up, and remembers where they were.
    response = client.get(CASES)
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor_setup") + "?next=%2Fo%2Fcanada%2Fcases%2F"

    page = client.get(response["Location"])
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=officer)
    assert not device.confirmed
    assert "<svg" in body and 'class="segno"' in body  # the QR code, drawn on the server
    assert page.context["secret"].replace(" ", "") in device.config_url
    # Reloading shows the same key: the unconfirmed device is kept until confirmed.
    client.get(response["Location"])
    assert TOTPDevice.objects.filter(user=officer).count() == 1

    wrong = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp waits a second after a wrong code; the test does not
    done = client.post(reverse("accounts:two_factor_setup"), {"code": code(device), "next": CASES})
    body = done.content.decode()
    assert done.status_code == 200 and "Shown only now" in body
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(c in body for c in codes)
    device.refresh_from_db()
    assert device.confirmed
    # Setting up verified this session: the staff pages open.
    assert client.get(CASES).status_code == 200
    actions = list(
        AuditEvent.objects.filter(actor=officer, action__startswith="auth.").values_list("action", flat=True)
    )
    assert actions == ["auth.sign_in", "auth.2fa_enrol", "auth.2fa_verify"]


@pytest.mark.django_db
def test_signing_in_with_a_code_from_the_app(client, officer):
    device, _codes = enrol(officer)
    sign_in(client, "officer")
    response = client.get(CASES)
    assert response["Location"] == reverse("accounts:two_factor") + "?next=%2Fo%2Fcanada%2Fcases%2F"
    response = second_step(client, code(device), next_url=CASES)
    assert response.status_code == 302 and response["Location"] == CASES
    assert client.get(CASES).status_code == 200
    event = AuditEvent.objects.filter(actor=officer, action="auth.2fa_verify").get()
    assert event.detail["method"] == "totp"


@pytest.mark.django_db
def test_a_wrong_code_is_refused_and_counted(client, officer):
    device, _codes = enrol(officer)
    sign_in(client, "officer")
    response = second_step(client, "123456" if code(device) != "123456" else "654321")
    assert response.status_code == 200 and "not right" in response.content.decode()
    assert client.get(CASES).status_code == 302
    assert AuditEvent.objects.filter(actor=officer, action="auth.2fa_failed").count() == 1


@pytest.mark.django_db
def test_a_recovery_code_signs_in_once(client, officer):
    _device, codes = enrol(officer)
    recovery = codes[3]
    sign_in(client, "officer")
    # Typed as people type it: capitals, a space or a dash.
    response = second_step(client, recovery.upper().replace(" ", "-"), next_url=CASES)
    assert response["Location"] == CASES
    assert client.get(CASES).status_code == 200
    assert StaticToken.objects.filter(device__user=officer).count() == 9
    used = AuditEvent.objects.get(actor=officer, action="auth.recovery_code_used")
    assert used.detail["left"] == 9
    assert recovery.replace(" ", "") not in str(used.detail)

    client.post(reverse("accounts:sign_out"))
    sign_in(client, "officer")
    again = second_step(client, recovery)
    assert again.status_code == 200 and "used already" in again.content.decode()
    assert client.get(CASES).status_code == 302


@pytest.mark.django_db
def test_new_recovery_codes_replace_the_old_ones(client, officer):
    device, old = enrol(officer)
    sign_in(client, "officer")
    second_step(client, code(device))
    response = client.post(reverse("accounts:recovery_codes"))
    new = response.context["codes"]
    assert len(new) == 10 and not set(new) & set(old)
    tokens = set(StaticToken.objects.filter(device__user=officer).values_list("token", flat=True))
    assert tokens == {c.replace(" ", "") for c in new}
    assert AuditEvent.objects.filter(actor=officer, action="auth.recovery_codes_new").exists()


@pytest.mark.django_db
def test_moving_to_a_new_phone_replaces_the_app_and_keeps_the_session(client, officer):
    old, _codes = enrol(officer)
    sign_in(client, "officer")
    second_step(client, code(old))
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.context["replacing"]
    new = TOTPDevice.objects.get(user=officer, confirmed=False)
    client.post(reverse("accounts:two_factor_setup"), {"code": code(new)})
    assert list(TOTPDevice.objects.filter(user=officer).values_list("pk", flat=True)) == [new.pk]
    assert client.get(CASES).status_code == 200


@pytest.mark.django_db
def test_a_password_alone_reaches_only_the_steps_and_sign_out(client, officer):
    enrol(officer)
    sign_in(client, "officer")
    for url in (CASES, "/o/canada/", reverse("accounts:security"), reverse("tokens:list")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:two_factor"))
    assert client.post(reverse("accounts:sign_out_everywhere")).status_code == 302
    assert client.get(reverse("accounts:two_factor")).status_code == 200
    # HTMX asks for a fragment: it is told to go to the second step instead of swapping a page in.
    response = client.get(CASES, headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(reverse("accounts:two_factor"))
    assert client.post(reverse("accounts:sign_out")).status_code == 302


@pytest.mark.django_db
def test_the_public_pages_and_the_api_tokens_are_not_affected(client, officer, case):
    # The applicant's form needs no account at all.
    assert client.get("/apply/").status_code == 200
    assert client.get("/healthz").status_code == 200
    # A token is its own authentication.
    _token, raw = issue_token(officer, name="script")
    response = client.get("/api/v1/orgs/canada/applications", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200
    # A browser session holding only the password is no session for the API.
    enrol(officer)
    sign_in(client, "officer")
    assert client.get("/api/v1/orgs/canada/applications").status_code == 401


@pytest.mark.django_db
def test_a_verified_session_reaches_the_api_from_the_browser(client, officer):
    device, _codes = enrol(officer)
    sign_in(client, "officer")
    second_step(client, code(device))
    assert client.get("/api/v1/orgs/canada/applications").status_code == 200


@pytest.mark.django_db
def test_the_second_step_sends_only_to_this_site(client, officer):
    device, _codes = enrol(officer)
    sign_in(client, "officer")
    response = second_step(client, code(device), next_url="https://evil.example/")
    assert response["Location"] == reverse("accounts:organisations")


def test_turning_two_factor_off_is_refused_outside_debug_mode(settings):
    settings.EVAC_REQUIRE_2FA = False
    settings.DEBUG = False
    [problem] = two_factor_required(None)
    assert isinstance(problem, Error) and problem.id == "accounts.E001"
    settings.DEBUG = True
    [problem] = two_factor_required(None)
    assert isinstance(problem, CheckWarning) and problem.id == "accounts.W001"
    settings.EVAC_REQUIRE_2FA = True
    assert two_factor_required(None) == []


def test_the_settings_refuse_to_load_with_two_factor_off_outside_debug_mode():
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "EVAC_REQUIRE_2FA": "0",
        "EVAC_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "evac.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "EVAC_REQUIRE_2FA=0" in result.stderr
