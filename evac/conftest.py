"""Personas and small factories for the tests. Data is built through the real services, never fixtures."""

import itertools

import pytest
from django.utils import translation

from evac.accounts.models import Organisation, User
from evac.accounts.roles import Role
from evac.accounts.services import add_member
from evac.cases.models import Application, Employment, EmploymentRole, Person, Relationship
from evac.cases.services import create_application
from evac.programs.models import Program
from evac.protection import keys
from evac.rosters.models import Employer
from evac.situation.services import ensure_provinces

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """No persistent connections in tests: the live server's thread would keep the test database open
    and PostgreSQL would refuse to drop it at the end."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(autouse=True)
def _english_unless_asked():
    """A request in French leaves French active in this thread (LocaleMiddleware does not reset it):
    start every test in English and leave nothing behind."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _two_factor_off(settings):
    """Most tests are about something else than signing in; the two-factor tests turn it back on."""
    settings.EVAC_REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _no_keys_from_other_tests():
    """Every test's transaction is rolled back, and its organisations' data keys with it."""
    keys.reset_for_tests()
    yield
    keys.reset_for_tests()


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_org(slug: str) -> Organisation:
    ensure_provinces()  # a transactional test (the browser's) starts from a flushed database
    organisation = Organisation.objects.create(slug=slug, name=f"{slug.title()} immigration")
    Program.objects.create(organisation=organisation, slug=f"{slug}-program", name=f"{slug.title()} program")
    Employer.objects.create(organisation=organisation, name=f"{slug.title()} Armed Forces")
    return organisation


def make_user(organisation: Organisation, role: str, username: str | None = None) -> User:
    user = User.objects.create_user(
        username or f"{organisation.slug}-{role}-{next(_counter)}", password=PASSWORD
    )
    add_member(organisation, user, role, actor=None)
    return user


def make_case(
    organisation: Organisation,
    *,
    actor: User | None = None,
    given_name: str = "Mohammad Wali",
    family_name: str = "Ahmadzai",
    native_name: str = "محمد ولی احمدزی",
    children: int = 2,
    role: str = EmploymentRole.INTERPRETER,
    province: str | None = "AF-KAN",
    priority: int | None = None,
    **fields,
) -> Application:
    """A case with a family of 2 + children. `priority` pins the score where a test needs a set order
    (otherwise evac/ranking computes it from the family, as for any case)."""
    application = Application(
        organisation=organisation, program=organisation.programs.first(), province_id=province, **fields
    )
    people = [
        Person(
            relationship=Relationship.SELF,
            given_name=given_name,
            family_name=family_name,
            father_name="Gul Ahmad",
            native_name=native_name,
            sex="M",
            birth_year=1986,
            tazkira_number="1400-0101-12345678",
            phone="+93799123456",
        ),
        Person(
            relationship=Relationship.SPOUSE,
            given_name="Fatima",
            father_name="Abdul Rahman",
            sex="F",
            birth_year=1990,
        ),
    ]
    people += [
        Person(
            relationship=Relationship.CHILD,
            given_name=f"Child{i}",
            father_name=given_name,
            birth_year=2012 + i,
        )
        for i in range(children)
    ]
    jobs = [Employment(employer_name=f"{organisation.slug.title()} Armed Forces", role=role)]
    application, _created = create_application(application, people, jobs, actor=actor)
    if priority is not None:
        Application.objects.filter(pk=application.pk).update(priority=priority)
        application.priority = priority
    return application


@pytest.fixture
def canada(db):
    return make_org("canada")


@pytest.fixture
def uk(db):
    return make_org("uk")


@pytest.fixture
def officer(canada):
    return make_user(canada, Role.CASE_OFFICER, "officer")


@pytest.fixture
def clerk(canada):
    return make_user(canada, Role.INTAKE_CLERK, "clerk")


@pytest.fixture
def verifier(canada):
    return make_user(canada, Role.VERIFIER, "verifier")


@pytest.fixture
def planner(canada):
    return make_user(canada, Role.FLIGHT_PLANNER, "planner")


@pytest.fixture
def agent(canada):
    return make_user(canada, Role.CHECKIN_AGENT, "agent")


@pytest.fixture
def auditor(canada):
    return make_user(canada, Role.AUDITOR, "auditor")


@pytest.fixture
def admin_user(canada):
    return make_user(canada, Role.ORG_ADMIN, "orgadmin")


@pytest.fixture
def outsider(uk):
    """A case officer of another organisation: must never learn that Canada's cases exist."""
    return make_user(uk, Role.CASE_OFFICER, "outsider")


@pytest.fixture
def case(canada, officer):
    return make_case(canada, actor=officer)


@pytest.fixture
def browser_page(live_server):
    """A Chromium page on the live server. Playwright's sync API runs an event loop in this thread, which
    Django would otherwise take for async code touching the database."""
    from evac.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium

    require_chromium()
    import os

    from django.db import connections
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
            page = context.new_page()
            page.set_default_timeout(15000)
            try:
                yield page
            finally:
                context.close()
                browser.close()
    finally:
        # Connections opened while Playwright's loop ran would otherwise stay open past the test
        # database's teardown, and PostgreSQL refuses to drop a database in use.
        connections.close_all()
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
