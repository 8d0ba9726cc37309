"""The Content-Security-Policy as a real browser applies it: the main pages, used as staff and applicants
use them, raise no policy violation and no JavaScript error.

A header can be strict on paper while a page quietly depends on an inline script the browser then refuses:
only a browser finds that. Staff are signed in with a session made on the live server's database and
handed to Chromium as a cookie, so this test does not depend on how the sign-in form asks for a second
factor.
"""

import pytest
from django.conf import settings
from django.test import Client

from evac.accounts.roles import Role
from evac.conftest import make_case, make_org, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any of the page's own code, and outside the policy (it is the browser's, not the page's).
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportViolation(`${event.violatedDirective} blocked ${event.blockedURI || "inline code"}`
    + ` at ${event.sourceFile || document.location.pathname}:${event.lineNumber}`);
});
"""


def console_error(message) -> bool:
    """An error in the console, other than the browser's own request for /favicon.ico (a missing icon is
    no error of the page's; base.html should still declare one, as the applicants' pages do)."""
    return message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico")


def sign_in_as(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


def test_the_main_pages_run_without_a_policy_violation_or_a_script_error(browser_page, live_server):
    page = browser_page
    canada = make_org("canada")
    officer = make_user(canada, Role.CASE_OFFICER, "officer")
    admin = make_user(canada, Role.ORG_ADMIN, "orgadmin")
    case = make_case(canada, actor=officer, given_name="Mohammad Wali", family_name="Ahmadzai")
    make_case(canada, actor=officer, given_name="Noor", family_name="Hashimi", native_name="نور هاشمی")

    problems: list[str] = []
    page.expose_function("reportViolation", lambda text: problems.append(f"{page.url}: CSP {text}"))
    page.add_init_script(REPORT_VIOLATIONS)
    page.on(
        "console", lambda message: console_error(message) and problems.append(f"{page.url}: {message.text}")
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error: {error}"))
    page.on(
        "response",
        lambda r: (
            r.status >= 400 and problems.append(f"{page.url}: {r.request.method} {r.url} answered {r.status}")
        ),
    )

    def visit(path: str) -> None:
        response = page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        page.wait_for_load_state("networkidle")
        assert page.locator("link[rel=stylesheet]").count() >= 1, path

    sign_in_as(page, live_server, officer)
    visit("/o/canada/")
    visit("/o/canada/cases/")
    # HTMX replaces the table as the officer types: the vendored script runs, and its requests are allowed.
    page.get_by_label("Name or reference").fill("ahmadzai")
    page.wait_for_selector("text=Noor Hashimi", state="detached")
    visit(f"/o/canada/cases/{case.reference}/")
    visit("/o/canada/cases/new/")
    visit("/o/canada/imports/")
    visit("/o/canada/imports/new/")
    visit("/accounts/tokens/")
    visit("/api/v1/docs")

    sign_in_as(page, live_server, admin)
    visit("/o/canada/members/")

    page.context.clear_cookies()
    visit("/apply/")
    visit("/apply/fa/program/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    visit("/apply/fa/status/")
    visit("/accounts/sign-in/")

    assert not problems, "\n".join(problems)


def test_an_inline_script_would_be_caught(browser_page, live_server):
    """The listener above is not deaf: a page that breaks the policy is reported."""
    page = browser_page
    seen: list[str] = []
    page.expose_function("reportViolation", lambda text: seen.append(text))
    page.add_init_script(REPORT_VIOLATIONS)
    page.goto("/apply/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_function("() => true")
    page.wait_for_timeout(200)
    assert any("script-src" in text for text in seen), seen
