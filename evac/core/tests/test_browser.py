"""The pages in a real Chromium: an officer signs in on a phone-sized screen, with a password and a code
from an authenticator app, and opens a case."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from evac.accounts.roles import Role
from evac.accounts.tests.helpers import code, enrol
from evac.conftest import PASSWORD, make_case, make_org, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _require_2fa(settings):
    settings.EVAC_REQUIRE_2FA = True


def sign_in(page, user) -> None:
    """Password, then the authenticator app's code, as staff sign in."""
    device = user.totpdevice_set.get(confirmed=True)
    page.goto("/accounts/sign-in/")
    page.get_by_label("Username").fill(user.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/**")
    page.get_by_label("Code from your authenticator app, or a recovery code").fill(code(device))
    page.get_by_role("button", name="Continue").click()


def test_a_new_officer_sets_up_an_authenticator_app_at_first_sign_in(browser_page):
    page = browser_page
    canada = make_org("canada")
    make_user(canada, Role.CASE_OFFICER, "officer")

    page.goto("/accounts/sign-in/")
    page.get_by_label("Username").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/accounts/two-factor/setup/**")
    assert page.locator(".qr svg").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # What someone without a camera does: type the key into the app, which then shows the code.
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code from the app").fill(f"{totp(b32decode(secret)):06d}")
    page.screenshot(path="var/browser-two-factor-setup.png", full_page=True)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("link", name="I have kept them: continue").click()
    page.wait_for_url("**/o/canada/")


def test_an_officer_signs_in_finds_a_case_and_opens_it(browser_page):
    page = browser_page
    canada = make_org("canada")
    officer = make_user(canada, Role.CASE_OFFICER, "officer")
    enrol(officer)
    case = make_case(canada, actor=officer, given_name="Mohammad Wali", family_name="Ahmadzai")
    make_case(canada, actor=officer, given_name="Noor", family_name="Hashimi", native_name="نور هاشمی")

    sign_in(page, officer)
    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_label("Name or reference").fill("ahmadzai")
    # HTMX replaces the table as the officer types; the other family disappears.
    page.wait_for_selector("text=Noor Hashimi", state="detached")
    page.get_by_role("link", name=case.display_reference).click()

    page.wait_for_url(f"**/cases/{case.reference}/")
    assert page.get_by_role("heading", level=1).inner_text().endswith("Mohammad Wali Ahmadzai")
    assert page.locator("bdi[lang=fa]").first.inner_text() == "محمد ولی احمدزی"
    page.screenshot(path="var/browser-case.png", full_page=True)


def test_an_officer_changes_a_status_with_a_reason(browser_page):
    page = browser_page
    canada = make_org("canada")
    officer = make_user(canada, Role.CASE_OFFICER, "officer")
    enrol(officer)
    case = make_case(canada, actor=officer)

    sign_in(page, officer)
    page.goto(f"/o/canada/cases/{case.reference}/")
    page.get_by_label("New status").select_option("in_review")
    page.get_by_label("Reason").fill("Documents complete")
    page.get_by_role("button", name="Change status").click()
    page.wait_for_selector("text=Status changed to In review")
    case.refresh_from_db()
    assert case.status == "in_review"
