"""The flight board in a real Chromium on a phone-sized screen: a planner runs the allocation, follows it,
opens the flight, and nothing breaks the Content-Security-Policy."""

import pytest

from evac.accounts.roles import Role
from evac.conftest import make_org, make_user
from evac.core.tests.test_csp_in_browser import REPORT_VIOLATIONS, console_error, sign_in_as
from evac.flights.models import Placement
from evac.flights.tests.helpers import approved, make_flight

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_planner_runs_the_allocation_and_opens_the_flight(browser_page, live_server, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    page = browser_page
    canada = make_org("canada")
    planner = make_user(canada, Role.FLIGHT_PLANNER, "planner")
    flight = make_flight(canada, seats=8, medical_places=1, call_sign="CFC4007")
    approved(canada, priority=40, given_name="Spozhmai", family_name="Karokhail", stretcher=1)
    approved(canada, priority=5, children=9, given_name="Zarghuna", family_name="Nurzai")

    problems: list[str] = []
    page.expose_function("reportViolation", lambda text: problems.append(f"{page.url}: CSP {text}"))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda m: console_error(m) and problems.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error: {error}"))

    sign_in_as(page, live_server, planner)
    page.goto("/o/canada/flights/")
    page.get_by_role("button", name="Run the allocation").click()
    page.wait_for_selector("text=1 family, 4 people")
    assert page.get_by_text("No planned aircraft can take the whole family, even empty.").is_visible()
    page.screenshot(path="var/browser-flights-board.png", full_page=True)
    page.get_by_role("link", name="CFC4007").click()
    page.wait_for_selector("text=Spozhmai Karokhail")
    page.screenshot(path="var/browser-flights-detail.png", full_page=True)
    assert Placement.objects.get(flight=flight).application.principal_name == "Spozhmai Karokhail"
    assert not problems, "\n".join(problems)
