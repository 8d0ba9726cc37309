"""In a real Chromium: an officer marks Kandahar fallen and sees a Kandahar family move up the queue."""

import pytest

from evac.accounts.roles import Role
from evac.cases.models import EmploymentRole
from evac.conftest import make_case, make_org, make_user
from evac.core.tests.test_csp_in_browser import sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def first_family(page) -> str:
    return page.locator("table.cases tbody tr").first.locator("td").nth(1).inner_text()


def test_kandahar_falls_and_its_family_moves_up_the_queue(browser_page, live_server, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    page = browser_page
    canada = make_org("canada")
    officer = make_user(canada, Role.CASE_OFFICER, "officer")
    make_case(
        canada, given_name="Gul Ahmad", family_name="Kandahari", province="AF-KAN", role=EmploymentRole.COOK
    )
    make_case(canada, given_name="Noor", family_name="Herati", province="AF-HER", role=EmploymentRole.DRIVER)
    sign_in_as(page, live_server, officer)

    page.goto("/o/canada/priority/decide/")
    assert first_family(page) == "Noor Herati"  # a driver outranks a cook while both provinces hold

    page.goto("/o/canada/situation/")
    page.locator("#id_province").select_option("AF-KAN")
    page.locator("#id_status").select_option("fallen")
    page.locator("#id_occurred_on").fill("2021-08-13")
    page.locator("#id_source").fill("Liaison officer, Kandahar airfield")
    page.locator("#situation-form button[type=submit]").click()
    page.wait_for_url("**/o/canada/situation/")
    assert "Kandahar" in page.locator(".messages").inner_text()
    assert "situation-fallen" in page.locator("li.tile", has_text="Kandahar").get_attribute("class")

    page.goto("/o/canada/priority/decide/")
    assert first_family(page) == "Gul Ahmad Kandahari"
    page.screenshot(path="var/browser-queue-after-kandahar.png", full_page=True)
