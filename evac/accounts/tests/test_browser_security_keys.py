"""Security keys in a real Chromium, through evac's own webauthn.js, with Chromium's virtual authenticator
standing in for the key (DevTools' WebAuthn domain)."""

import pytest

from evac.accounts.models import SecurityKey
from evac.accounts.roles import Role
from evac.accounts.tests.helpers import code, enrol
from evac.conftest import PASSWORD, make_org, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, username: str) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/**")


def test_an_org_admin_registers_a_key_and_signs_in_with_it(browser_page, live_server, settings):
    settings.EVAC_REQUIRE_2FA = True
    settings.EVAC_WEBAUTHN_RP_ID = "localhost"
    settings.EVAC_WEBAUTHN_ORIGINS = [live_server.url]
    page = browser_page
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": False,
                "automaticPresenceSimulation": True,
            }
        },
    )
    canada = make_org("canada")
    admin = make_user(canada, Role.ORG_ADMIN, "orgadmin")
    device, _codes = enrol(admin)

    password_step(page, "orgadmin")
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(code(device))
    page.get_by_role("button", name="Continue").click()
    # An org admin without a key is sent to register one before anything else.
    page.wait_for_url("**/accounts/security/keys/required/**")
    page.get_by_label("Name for the key").fill("Blue key")
    page.get_by_role("button", name="Add a security key").click()
    page.wait_for_url("**/o/canada/")
    assert SecurityKey.objects.get(user=admin).name == "Blue key"
    page.get_by_role("link", name="Members").click()
    page.wait_for_url("**/o/canada/members/")

    page.get_by_role("button", name="Sign out").click()
    password_step(page, "orgadmin")
    page.get_by_role("button", name="Use my security key").click()
    page.wait_for_url("**/o/canada/")
    assert SecurityKey.objects.get(user=admin).last_used_at is not None
