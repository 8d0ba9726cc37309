"""The export flow in a real Chromium on a phone-sized screen: from the filtered case list to the file,
with no policy violation and no script error on the way."""

import csv
import io

import pytest

from evac.accounts.roles import Role
from evac.conftest import make_case, make_org, make_user
from evac.core.tests.test_csp_in_browser import REPORT_VIOLATIONS, console_error, sign_in_as

from .conftest import grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_exporter_exports_the_cases_the_list_shows(browser_page, live_server):
    page = browser_page
    canada = make_org("canada")
    exporter = grant(make_user(canada, Role.CASE_OFFICER, "exporter"), canada)
    make_case(canada, actor=exporter, given_name="Zarghuna", family_name="Popalzai")
    make_case(canada, actor=exporter, given_name="Noor", family_name="Hashimi")

    problems: list[str] = []
    page.expose_function("reportViolation", lambda text: problems.append(f"{page.url}: CSP {text}"))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", lambda m: console_error(m) and problems.append(f"{page.url}: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error: {error}"))

    sign_in_as(page, live_server, exporter)
    page.goto("/o/canada/cases/")
    # The list narrows as the name is typed; the export button under it follows the filters it shows.
    page.get_by_label("Name or reference").fill("popalzai")
    page.wait_for_selector("text=Noor Hashimi", state="detached")
    page.get_by_role("button", name="Export these cases…").click()
    page.wait_for_url("**/exports/new/")
    assert page.get_by_label("Name or reference").input_value() == "popalzai"
    assert page.get_by_text("1 case matches these filters.").is_visible()
    page.get_by_label("Given name").check()
    page.get_by_label("Name in Perso-Arabic script").check()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path="var/browser-export-form.png", full_page=True)
    page.get_by_role("button", name="Ask for the export").click()
    page.wait_for_selector("text=Export ready")
    page.screenshot(path="var/browser-export-detail.png", full_page=True)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    path = download.value.path()
    with open(path, encoding="utf-8-sig") as file:
        rows = list(csv.reader(io.StringIO(file.read())))
    assert rows[0] == ["Reference", "Given name", "Name in Perso-Arabic script"]
    assert [row[1] for row in rows[1:]] == ["Zarghuna", "Fatima", "Child0", "Child1"]
    assert "محمد ولی احمدزی" in rows[1][2]
    assert not problems, "\n".join(problems)
