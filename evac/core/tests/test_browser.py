"""The pages in a real Chromium: an officer signs in on a phone-sized screen and opens a case."""

import pytest

from evac.accounts.roles import Role
from evac.conftest import PASSWORD, make_case, make_org, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, username: str) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_an_officer_signs_in_finds_a_case_and_opens_it(browser_page):
    page = browser_page
    canada = make_org("canada")
    officer = make_user(canada, Role.CASE_OFFICER, "officer")
    case = make_case(canada, actor=officer, given_name="Mohammad Wali", family_name="Ahmadzai")
    make_case(canada, actor=officer, given_name="Noor", family_name="Hashimi")

    sign_in(page, "officer")
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
    case = make_case(canada, actor=officer)

    sign_in(page, "officer")
    page.goto(f"/o/canada/cases/{case.reference}/")
    page.get_by_label("New status").select_option("in_review")
    page.get_by_label("Reason").fill("Documents complete")
    page.get_by_role("button", name="Change status").click()
    page.wait_for_selector("text=Status changed to In review")
    case.refresh_from_db()
    assert case.status == "in_review"
