"""Security keys (WebAuthn), with a software authenticator: registering, signing in, and the rule that
org admins must have one and use it."""

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from evac.accounts.models import SecurityKey
from evac.accounts.tests.helpers import SoftwareKey, code, enrol, register_key, second_step, sign_in, use_key
from evac.audit.models import AuditEvent

CASES = "/o/canada/cases/"
MEMBERS = "/o/canada/members/"


@pytest.fixture(autouse=True)
def _require_2fa(settings):
    settings.EVAC_REQUIRE_2FA = True
    settings.EVAC_WEBAUTHN_RP_ID = "testserver"
    settings.EVAC_WEBAUTHN_ORIGINS = ["http://testserver"]


def signed_in_with_app(client, user):
    device, _codes = enrol(user)
    sign_in(client, user.get_username())
    second_step(client, code(device))
    return device


@pytest.mark.django_db
def test_registering_a_key_and_signing_in_with_it(client, officer):
    signed_in_with_app(client, officer)
    key = SoftwareKey()
    response = register_key(client, key, name="Blue key")
    assert response.status_code == 200 and response.json()["ok"]
    stored = SecurityKey.objects.get(user=officer)
    assert stored.name == "Blue key" and stored.credential_id == key.id and stored.confirmed
    assert AuditEvent.objects.filter(actor=officer, action="auth.key_add").exists()

    client.post(reverse("accounts:sign_out"))
    sign_in(client, "officer")
    assert client.get(CASES).status_code == 302
    response = use_key(client, key, next_url=CASES)
    assert response.status_code == 200 and response.json() == {"ok": True, "next": CASES}
    assert client.get(CASES).status_code == 200
    stored.refresh_from_db()
    assert stored.sign_count == 1 and stored.last_used_at is not None
    assert AuditEvent.objects.filter(actor=officer, action="auth.2fa_verify").last().detail == {
        "channel": "web",
        "method": "security_key",
    }


@pytest.mark.django_db
def test_a_key_answering_for_another_site_is_refused_and_counted(client, officer):
    signed_in_with_app(client, officer)
    key = SoftwareKey()
    register_key(client, key)
    client.post(reverse("accounts:sign_out"))
    sign_in(client, "officer")
    response = use_key(client, key, origin="https://evac.phishing.example")
    assert response.status_code == 400 and not response.json()["ok"]
    assert client.get(CASES).status_code == 302
    assert AuditEvent.objects.filter(actor=officer, action="auth.2fa_failed").count() == 1


@pytest.mark.django_db
def test_a_replayed_signature_is_refused(client, officer):
    signed_in_with_app(client, officer)
    key = SoftwareKey()
    register_key(client, key)
    client.post(reverse("accounts:sign_out"))
    sign_in(client, "officer")
    options = client.post(reverse("accounts:key_sign_in_options")).json()
    answer = key.get(options)
    url = reverse("accounts:key_sign_in")
    assert client.post(url, {"credential": answer}, content_type="application/json").status_code == 200
    client.post(reverse("accounts:sign_out"))
    sign_in(client, "officer")
    client.post(reverse("accounts:key_sign_in_options"))  # a new challenge: the old answer does not meet it
    assert client.post(url, {"credential": answer}, content_type="application/json").status_code == 400


@pytest.mark.django_db
def test_another_users_key_does_not_sign_in(client, officer, clerk):
    signed_in_with_app(client, officer)
    key = SoftwareKey()
    register_key(client, key)
    client.post(reverse("accounts:sign_out"))
    enrol(clerk)
    sign_in(client, "clerk")
    options = client.post(reverse("accounts:key_sign_in_options")).json()
    assert options["allowCredentials"] == []
    options["allowCredentials"] = [{"id": key.id, "type": "public-key"}]
    response = client.post(
        reverse("accounts:key_sign_in"), {"credential": key.get(options)}, content_type="application/json"
    )
    assert response.status_code == 400
    assert client.get(CASES).status_code == 302


@pytest.mark.django_db
def test_an_org_admin_must_register_a_key_before_the_admin_pages(client, admin_user):
    signed_in_with_app(client, admin_user)
    response = client.get(MEMBERS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:security_key_required"))
    assert client.get(response["Location"]).status_code == 200
    assert client.get(reverse("accounts:security")).status_code == 302
    response = register_key(client, SoftwareKey())
    assert response.json()["ok"]
    # Registering proved the key is at hand: the session is now verified by it.
    assert client.session[DEVICE_ID_SESSION_KEY].startswith("accounts.securitykey/")
    assert client.get(MEMBERS).status_code == 200


@pytest.mark.django_db
def test_an_org_admin_with_a_key_must_use_it_not_the_app(client, admin_user):
    device = signed_in_with_app(client, admin_user)
    key = SoftwareKey()
    register_key(client, key)
    client.post(reverse("accounts:sign_out"))

    sign_in(client, "orgadmin")
    page = client.get(reverse("accounts:two_factor"))
    assert not page.context["allow_totp"] and page.context["has_key"]
    response = second_step(client, code(device))
    assert response.status_code == 200
    assert client.get(MEMBERS).status_code == 302
    use_key(client, key)
    assert client.get(MEMBERS).status_code == 200


@pytest.mark.django_db
def test_an_org_admin_who_lost_the_key_registers_another_with_a_recovery_code(client, admin_user):
    _device, codes = enrol(admin_user)
    sign_in(client, "orgadmin")
    second_step(client, codes[0])
    register_key(client, SoftwareKey(), name="Lost one")
    client.post(reverse("accounts:sign_out"))

    sign_in(client, "orgadmin")
    second_step(client, codes[1])
    response = client.get(MEMBERS)
    assert response["Location"].startswith(reverse("accounts:security_key_required"))
    spare = SoftwareKey()
    register_key(client, spare, name="Spare")
    assert client.get(MEMBERS).status_code == 200
    lost = SecurityKey.objects.get(name="Lost one")
    client.post(reverse("accounts:security_key_remove"), {"key": lost.pk})
    assert list(SecurityKey.objects.values_list("name", flat=True)) == ["Spare"]
    # The last key of an org admin stays.
    client.post(reverse("accounts:security_key_remove"), {"key": SecurityKey.objects.get().pk})
    assert SecurityKey.objects.count() == 1
    assert AuditEvent.objects.filter(actor=admin_user, action="auth.key_remove").count() == 1


@pytest.mark.django_db
def test_a_user_removes_only_their_own_keys(client, officer, clerk):
    signed_in_with_app(client, clerk)
    register_key(client, SoftwareKey())
    clerks_key = SecurityKey.objects.get()
    client.post(reverse("accounts:sign_out"))
    signed_in_with_app(client, officer)
    response = client.post(reverse("accounts:security_key_remove"), {"key": clerks_key.pk})
    assert response.status_code == 302
    assert SecurityKey.objects.filter(pk=clerks_key.pk).exists()


@pytest.mark.django_db
def test_registration_needs_the_challenge_just_given(client, officer):
    signed_in_with_app(client, officer)
    key = SoftwareKey()
    options = client.post(reverse("accounts:key_register_options")).json()
    answer = key.create({**options, "challenge": "bm90LXRoZS1jaGFsbGVuZ2U"})
    response = client.post(
        reverse("accounts:key_register"), {"credential": answer, "name": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert not SecurityKey.objects.exists()
