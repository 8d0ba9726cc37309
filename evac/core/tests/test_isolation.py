"""Organisation isolation, proved rather than assumed: one walk over every URL pattern and every API
operation, as nobody, as each role of another organisation, and as each role of the owning one.

The URLs come from Django's resolver (every include, the API's patterns too) and the operations from the
OpenAPI document, so an endpoint added later is walked without anyone remembering. What the walk cannot
guess it refuses to guess: a path parameter missing from PARAMS, or a URL or operation missing from
ACCESS, fails the walk until someone says which object it names and who may use it.

Every request is sent inside a savepoint that is rolled back, so a request that is allowed to change
something (an officer's status change) leaves the next request the same database; whether it changed the
owning organisation's rows is read before the rollback.
"""

import contextlib
import json
import logging
import re
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from urllib.parse import unquote_plus

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone

from evac.accounts.models import Membership, Organisation, User
from evac.accounts.roles import Can, Role, capabilities
from evac.accounts.services import set_may_export
from evac.api.api import api
from evac.api.models import ApiToken
from evac.api.services import issue_token
from evac.cases.models import Application, Employment, Person, StatusChange
from evac.cases.workflow import Status
from evac.conftest import make_case, make_org, make_user
from evac.exports.models import ExportRequest
from evac.exports.services import request_export
from evac.flights.models import AllocationRun, BoardingPass, FamilyLink, Flight, Hold, Placement
from evac.flights.passes import token_for
from evac.flights.planning import hold_family, link_families, pin_family
from evac.flights.tests.gate_factories import placed_with_passes
from evac.imports.models import ImportJob
from evac.imports.services import start_import
from evac.notify.models import Message
from evac.notify.services import send_to_applicant
from evac.programs.models import EligibilityRun, Program
from evac.rosters.importing import execute_roster_import
from evac.rosters.models import RosterEntry, RosterImport

DOCUMENT = api.get_openapi_schema()
SIGN_IN = "/accounts/sign-in/"

# Who may use a URL or an operation. An organisation's URLs name a capability (or MEMBER: any member);
# the others are one of these.
PUBLIC = "public"  # about no organisation: anyone, signed in or not
SIGNED_IN = "signed in"  # the user's own pages: any signed-in user, and nobody else
OWN_TOKEN = "own token"  # one API token: its owner; anyone else gets 404, as for a token that does not exist
MEMBER = "member"  # any member of the organisation in the path
NO_SUCH_METHOD = "no such method"  # an API path without this method: 405 for everyone
# Exports are a grant of their own (Membership.may_export, with a role that reads the cases), not a
# capability of a role: the walk grants it to some personas (World.exporters) and checks the others get 403.
EXPORTER = "exporter"  # a member who may export
EXPORT_REQUESTER = "export requester"  # the walk export's requester (who alone downloads it)
EXPORT_APPROVER = "export approver"  # a member who may export, other than the requester
# A flight's manifest: a member who may export and whose role plans the flights (Can.SCHEDULE).
MANIFEST_EXPORTER = "manifest exporter"
EXPORT_ACCESS = (EXPORTER, EXPORT_REQUESTER, EXPORT_APPROVER, MANIFEST_EXPORTER)

# Keyed by URL name for the pages and by operationId for the API. A new URL or operation is not in this
# table, and the walk fails until it is: deciding who may use it is the point.
ACCESS: dict[str, str | Can] = {
    "home": PUBLIC,
    "healthz": PUBLIC,
    "accounts:sign_in": PUBLIC,
    "accounts:sign_out": PUBLIC,
    "accounts:organisations": SIGNED_IN,
    "accounts:password_change": SIGNED_IN,
    "accounts:sign_out_everywhere": SIGNED_IN,
    "accounts:two_factor": SIGNED_IN,
    "accounts:two_factor_setup": SIGNED_IN,
    "accounts:key_sign_in_options": SIGNED_IN,
    "accounts:key_sign_in": SIGNED_IN,
    "accounts:security": SIGNED_IN,
    "accounts:recovery_codes": SIGNED_IN,
    "accounts:security_key_required": SIGNED_IN,
    "accounts:key_register_options": SIGNED_IN,
    "accounts:key_register": SIGNED_IN,
    "accounts:security_key_remove": SIGNED_IN,
    "tokens:list": SIGNED_IN,
    "tokens:revoke": OWN_TOKEN,
    "set_language": PUBLIC,
    "dashboard": MEMBER,
    "members": Can.MANAGE_MEMBERS,
    "situation:board": MEMBER,
    "situation:record": Can.RECORD_SITUATION,
    "situation:province": MEMBER,
    "ranking:weights": Can.MANAGE_PROGRAMS,
    "programs:list": Can.MANAGE_PROGRAMS,
    "programs:rules": Can.MANAGE_PROGRAMS,
    "programs:run": Can.MANAGE_PROGRAMS,
    "cases:eligibility": Can.DECIDE,
    "ranking:decisions": Can.DECIDE,
    "ranking:claims": Can.VERIFY_EMPLOYMENT,
    "cases:list": Can.VIEW_CASES,
    "cases:create": Can.CREATE_CASES,
    "cases:detail": Can.VIEW_CASES,
    "cases:edit": Can.EDIT_CASES,
    # The walk's case is "received": from there every move is a decision, so DECIDE is what it takes.
    "cases:change_status": Can.DECIDE,
    "cases:assign": Can.ASSIGN,
    "audit:log": Can.VIEW_AUDIT,
    "audit:export": Can.VIEW_AUDIT,
    "notify:case_messages": Can.MESSAGE_APPLICANTS,
    "imports:list": Can.CREATE_CASES,
    "imports:create": Can.CREATE_CASES,
    "imports:detail": Can.CREATE_CASES,
    "imports:errors_csv": Can.CREATE_CASES,
    "rosters:list": Can.MANAGE_ROSTERS,
    "rosters:create": Can.MANAGE_ROSTERS,
    "rosters:import_detail": Can.MANAGE_ROSTERS,
    "rosters:import_errors_csv": Can.MANAGE_ROSTERS,
    "rosters:claim": Can.VERIFY_EMPLOYMENT,
    "exports:list": EXPORTER,
    "exports:create": EXPORTER,
    "exports:detail": EXPORTER,
    "exports:decide": EXPORT_APPROVER,
    "exports:download": EXPORT_REQUESTER,
    "exports:settings": Can.MANAGE_MEMBERS,
    "intake:languages": PUBLIC,
    "intake:start": PUBLIC,
    "intake:program": PUBLIC,
    "intake:applicant": PUBLIC,
    "intake:family": PUBLIC,
    "intake:member_add": PUBLIC,
    "intake:member": PUBLIC,
    "intake:member_remove": PUBLIC,
    "intake:employment": PUBLIC,
    "intake:contact": PUBLIC,
    "intake:review": PUBLIC,
    "intake:done": PUBLIC,
    "intake:discard": PUBLIC,
    "intake:status": PUBLIC,
    "intake:passes": PUBLIC,
    "intake:passes_pdf": PUBLIC,
    "intake:passes_close": PUBLIC,
    "gate:flights": Can.BOARD,
    "gate:page": Can.BOARD,
    "gate:manifest": Can.BOARD,
    "gate:check": Can.BOARD,
    "gate:scan": Can.BOARD,
    "gate:sync": Can.BOARD,
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:api-root": PUBLIC,
    "api:not_found": PUBLIC,
    "createApplication": Can.CREATE_CASES,
    "listApplications": Can.VIEW_CASES,
    "searchApplications": Can.VIEW_CASES,
    "readApplication": Can.VIEW_CASES,
    "changeStatus": Can.DECIDE,
    "assignOfficer": Can.ASSIGN,
    "startImport": Can.CREATE_CASES,
    "readImport": Can.CREATE_CASES,
    "flights:board": Can.VIEW_FLIGHTS,
    "flights:create": Can.SCHEDULE,
    "flights:allocate": Can.SCHEDULE,
    "flights:run": Can.VIEW_FLIGHTS,
    "flights:link": Can.SCHEDULE,
    "flights:pin": Can.SCHEDULE,
    "flights:hold": Can.SCHEDULE,
    "flights:detail": Can.VIEW_FLIGHTS,
    "flights:edit": Can.SCHEDULE,
    "flights:status": Can.SCHEDULE,
    "flights:manifest": MANIFEST_EXPORTER,
    "listFlights": Can.VIEW_FLIGHTS,
    "createFlight": Can.SCHEDULE,
    "readFlight": Can.VIEW_FLIGHTS,
    "updateFlight": Can.SCHEDULE,
}

# Paths a pattern cannot be reversed to by itself: the API's catch-all would reverse to the API's root.
EXAMPLE_PATHS = {"api:not_found": "/api/v1/no-such-thing"}

# Parameters naming an object of the owning organisation: the walk also asks for them under the other
# organisation's slug, where they must not be found.
OBJECT_PARAMETERS = {
    "ref",
    "reference",
    "job_id",
    "export_id",
    "slug",
    "run_id",
    "flight_id",
    "allocation_id",
    "roster_job_id",
    "claim_id",
}

# Pages that show the passengers of a flight (names, birth years, documents' last digits) to whoever
# boards them, without the right to read case files.
PASSENGER_PAGES = {"gate:manifest", "gate:check", "gate:scan", "gate:sync"}


@dataclass
class World:
    canada: Organisation
    uk: Organisation
    users: dict[tuple[str, str], User]
    case: Application
    job: ImportJob
    token: ApiToken  # the canada case officer's: what tokens:revoke names
    program: Program
    personal: list[str]  # the case's personal data, as it could appear in a response
    export: ExportRequest  # the canada case officer's, ready to download
    exporters: set[str]  # the personas who may export ("canada:case_officer")
    run: EligibilityRun | None = None  # the program's re-check after a change of its rules
    flight: Flight | None = None  # the case's family is placed on it, with a pass
    allocation: AllocationRun | None = None
    others: list[Application] = field(default_factory=list)  # a family on the flight, one held and linked
    roster_job: RosterImport | None = None  # the roster that lists the case's principal
    claim: Employment | None = None  # the case's claimed employment, on that roster
    passes: list[BoardingPass] = field(default_factory=list)


def build_world() -> World:
    canada, uk = make_org("canada"), make_org("uk")
    users = {
        (org.slug, role): make_user(org, role, f"{org.slug}-{role}".replace("_", "-"))
        for org in (canada, uk)
        for role in Role.values
    }
    officer = users[("canada", Role.CASE_OFFICER)]
    # Names found nowhere else (not in the API's examples, not in the demo's lists), so that finding one in
    # a response means the case leaked.
    case = make_case(
        canada, actor=officer, given_name="Spozhmai", family_name="Karokhail", native_name="سپوږمۍ کروخیل"
    )
    principal = case.people.get(relationship="self")
    principal.email = "spozhmai.karokhail@example.org"
    principal.save(update_fields=["email"])
    # A message already sent, so that the history the page shows is walked too.
    send_to_applicant(case, subject="Walk", body="The walk's first message.", actor=officer)
    program = canada.programs.get()
    job = start_import(
        Membership.objects.get(user=users[("canada", Role.INTAKE_CLERK)], organisation=canada),
        program,
        "partner.csv",
        b"given_name\r\nSomeone\r\n",
        True,
    )
    token, _raw = issue_token(officer, name="laptop")
    # Three members of each organisation may export: a case officer and a verifier (who approves), and the
    # flight planner (manifests). The org admin's flag is set behind the service's back: without reading
    # cases it must still open nothing.
    exporting = (Role.CASE_OFFICER, Role.VERIFIER, Role.FLIGHT_PLANNER)
    for org in (canada, uk):
        for role in exporting:
            set_may_export(org, users[(org.slug, role)], True, actor=None)
    Membership.objects.filter(user=users[("canada", Role.ORG_ADMIN)]).update(may_export=True)
    exporters = {f"{org}:{role}" for org in ("canada", "uk") for role in exporting}
    export, _created = request_export(
        Membership.objects.select_related("organisation").get(user=officer, organisation=canada),
        Application.objects.filter(organisation=canada),
        filters={},
        columns=["given_name", "family_name", "native_name", "tazkira_number", "phone"],
        file_format="csv",
    )
    personal = [
        case.principal_name,
        principal.given_name,
        principal.family_name,
        principal.native_name,
        principal.tazkira_number,
        principal.phone,
        principal.phone.removeprefix("+93"),
        principal.email,
    ]
    run = EligibilityRun.objects.create(program=program, state=EligibilityRun.State.DONE)
    # The employer's roster lists the principal, so that the claim page shows a candidate; its names and
    # badge number are personal data like the case's.
    roster_job = RosterImport.objects.create(
        organisation=canada, employer=canada.employers.get(), filename="r.csv"
    )
    execute_roster_import(roster_job, content=ROSTER)
    personal += ["Z-8841-Q"]
    personal = [p for p in personal if p]
    # Another family approved and pinned to a flight, with a pass; a third held back and linked to the
    # walk's case. Their names are found nowhere else either: the flight pages must not show them to
    # those who may not read cases.
    planner = Membership.objects.select_related("organisation", "user").get(
        user=users[("canada", Role.FLIGHT_PLANNER)], organisation=canada
    )
    flight = Flight.objects.create(
        organisation=canada,
        call_sign="RCH001",
        aircraft="C-17A",
        seats=134,
        medical_places=4,
        departs_at=timezone.now() + timedelta(days=1),
        destination="Doha (DOH)",
    )
    others = [
        make_case(canada, actor=officer, given_name="Zmaryalai", family_name="Qarabaghi"),
        make_case(canada, actor=officer, given_name="Nangyalai", family_name="Tarakai"),
    ]
    Application.objects.filter(pk__in=[o.pk for o in others]).update(status=Status.APPROVED)
    for other in others:
        other.refresh_from_db()
    pin_family(others[0], flight, planner)
    BoardingPass.objects.create(
        flight=flight, person=others[0].people.get(relationship="self"), nonce="77616c6b" * 4
    )
    hold_family(others[1], planner, reason="walk")
    link_families(others[1], case, planner, reason="walk")
    allocation = AllocationRun.objects.create(organisation=canada, state=AllocationRun.State.DONE)
    personal += ["Zmaryalai", "Qarabaghi", "Nangyalai", "Tarakai"]
    passes = placed_with_passes(case, flight)
    return World(
        canada,
        uk,
        users,
        case,
        job,
        token,
        program,
        personal,
        export,
        exporters,
        run,
        flight,
        allocation,
        others,
        roster_job,
        case.employments.get(),
        passes,
    )


# Every path parameter of every URL and operation, by name. A parameter not here fails the walk: a new kind
# of URL must say which real object the walk should ask it for.
PARAMS = {
    "org": lambda w: w.canada.slug,
    "ref": lambda w: w.case.reference,
    "reference": lambda w: w.case.reference,
    "job_id": lambda w: str(w.job.public_id),
    "public_id": lambda w: str(w.token.public_id),
    "lang": lambda w: "fa",
    "index": lambda w: 0,
    "code": lambda w: "AF-KAN",  # a province: shared by all organisations, shown to members only
    "export_id": lambda w: str(w.export.public_id),
    "slug": lambda w: w.program.slug,
    "run_id": lambda w: str(w.run.public_id),
    "flight_id": lambda w: str(w.flight.public_id),
    "allocation_id": lambda w: str(w.allocation.public_id),
    "roster_job_id": lambda w: str(w.roster_job.public_id),
    "claim_id": lambda w: str(w.claim.public_id),
}


def upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("partner.csv", b"given_name\r\nSomeone\r\n", content_type="text/csv")


ROSTER = b"badge_number,given_name,family_name,father_name\r\nZ-8841-Q,Spozhmai,Karokhail,Gul Ahmad\r\n"


def roster_upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("roster.csv", ROSTER, content_type="text/csv")


def page_bodies(w: World) -> dict[str, dict]:
    """A plausible form for each page that takes one; any other page gets an empty POST."""
    clerk = w.users[("canada", Role.INTAKE_CLERK)]
    officer = w.users[("canada", Role.CASE_OFFICER)]
    formsets = {
        f"{prefix}-{key}": value
        for prefix in ("people", "jobs")
        for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MAX_NUM_FORMS", "1000"))
    }
    return {
        # An unknown username: the walk must not lock anyone out.
        "accounts:sign_in": {"username": "nobody-at-all", "password": "not the password"},
        "accounts:password_change": {
            "old_password": "not the password",
            "new_password1": "a new passphrase for the walk",
            "new_password2": "a new passphrase for the walk",
        },
        "tokens:list": {"name": "walk"},
        "set_language": {"language": "fr", "next": "/"},
        "members": {"action": "remove", "username": clerk.username},
        "cases:create": {"program": w.program.pk, "district": "Dand", **formsets},
        "cases:edit": {"program": w.program.pk, "district": "Dand", **formsets},
        "cases:change_status": {"target": "in_review", "reason": "walk", "expected_status": "received"},
        "cases:assign": {"officer": officer.username},
        "cases:eligibility": {"rule": "family", "decision": "met", "reason": "walk"},
        "notify:case_messages": {
            "recipient": str(w.case.people.get(relationship="self").public_id),
            "subject": "Walk",
            "body": "A message from the isolation walk.",
        },
        "imports:create": {"program": w.program.pk, "file": upload},
        "rosters:create": {"employer": w.canada.employers.get().pk, "file": roster_upload},
        "rosters:claim": {"decision": "reject", "reason": "walk", "expected": "unverified"},
        "intake:program": {"program": w.program.pk},
        "situation:record": {
            "province": "AF-KAN",
            "status": "fallen",
            "occurred_on": "2021-08-12",
            "source": "walk",
        },
        "exports:create": {
            "status": "received",
            "columns": ["given_name", "phone"],
            "format": "xlsx",
            "idempotency_key": "4f1c1f5e-8a5e-4c1e-9d8e-2b7f7c0e6a11",
        },
        "exports:decide": {"decision": "approve"},
        "exports:settings": {"export_approval_threshold": "50"},
        "intake:status": {"reference": w.case.reference, "secret": "ABCD-EFGH"},
        "flights:create": flight_form(),
        "flights:edit": flight_form(),
        "flights:status": {"status": "boarding"},
        "flights:manifest": {"format": "csv"},
        "flights:pin": {"action": "pin", "flight": str(w.flight.public_id)},
        "flights:hold": {"action": "hold", "reason": "walk"},
        "flights:link": {"action": "unlink", "a": w.others[1].reference, "b": w.case.reference},
        # The gate's script sends JSON (a str here is sent as application/json).
        "gate:check": json.dumps({"token": token_for(w.passes[0])}),
        "gate:scan": json.dumps(gate_scan(w)),
        "gate:sync": json.dumps({"scans": [gate_scan(w)]}),
    }


def gate_scan(w: World) -> dict:
    return {
        "client_id": "0b9f4c1e-8a5e-4c1e-9d8e-2b7f7c0e6a11",
        "action": "board",
        "token": token_for(w.passes[0]),
        "gate": "Walk Gate",
    }


def flight_form() -> dict:
    return {
        "call_sign": "RCH002",
        "aircraft": "A400M",
        "seats": "116",
        "medical_places": "0",
        "departs_at": "2021-08-18T06:00",
        "origin": "Kabul (KBL)",
        "destination": "Islamabad (ISB)",
    }


def operation_body(w: World, operation: dict) -> tuple[object, str | None]:
    """(body, content type) for an operation, from the example its schema documents."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        name = content["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        examples = DOCUMENT["components"]["schemas"][name].get("examples")
        assert examples, f"{name} needs an example (json_schema_extra) for the isolation walk"
        body = dict(examples[0])
        if "program" in body:
            body["program"] = w.program.slug  # the example's program is not the walk's
        return json.dumps(body), "application/json"
    if "multipart/form-data" in content:
        schema = content["multipart/form-data"]["schema"]
        if "$ref" in schema:
            schema = DOCUMENT["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        form = {}
        for name, spec in schema.get("properties", {}).items():
            if spec.get("format") == "binary":
                form[name] = upload
            elif name == "program":
                form[name] = w.program.slug
            elif name not in schema.get("required", []):
                continue
            else:
                pytest.fail(f"the isolation walk does not know how to fill the form field {name!r}")
        return form, None
    assert not content, f"the isolation walk does not know how to send {sorted(content)}"
    return None, None


@dataclass(frozen=True)
class Probe:
    key: str  # in ACCESS
    method: str
    path: str
    api: bool
    org: str | None  # the organisation slug in the path
    foreign: bool = False  # canada's objects named under the other organisation
    token: bool = False  # authenticated with a bearer token rather than the session
    body: object = field(default=None, compare=False)
    content_type: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        how = " (bearer token)" if self.token else ""
        return f"{self.method} {self.path}{how} [{self.key}]"


def walk_patterns(resolver=None, prefix="", namespace="", converters=None):
    """(name, route, parameter names, pattern) for every URL pattern, through every include."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        names = {**(converters or {}), **getattr(pattern.pattern, "converters", {})}
        names.update(dict.fromkeys(pattern.pattern.regex.groupindex))
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk_patterns(pattern, route, inner, names)
        elif isinstance(pattern, URLPattern):
            if not pattern.name:
                pytest.fail(f"URL pattern {route!r} has no name: name it, so that it can be walked")
            yield f"{namespace}{pattern.name}", route, sorted(names), pattern


def fill(w: World, where: str, parameters) -> dict:
    values = {}
    for name in parameters:
        if name not in PARAMS:
            pytest.fail(
                f"{where} takes a parameter {name!r} the isolation walk does not know: add it to PARAMS"
            )
        values[name] = PARAMS[name](w)
    return values


def openapi_path(route: str) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def api_probe(w: World, template: str, method: str, values: dict, *, token: bool) -> Probe:
    operation = DOCUMENT["paths"].get(template, {}).get(method.lower())
    path = template.format(**values)
    if operation is None:
        return Probe(NO_SUCH_METHOD, method, path, True, values.get("org"), token=token)
    body, content_type = operation_body(w, operation) if method != "GET" else (None, None)
    key = operation["operationId"]
    return Probe(key, method, path, True, values.get("org"), False, token, body, content_type)


def build_probes(w: World) -> list[Probe]:
    bodies = page_bodies(w)
    probes: list[Probe] = []
    # The URL configuration, pages and API alike, with the session of the persona.
    for name, route, parameters, _pattern in walk_patterns():
        values = fill(w, f"URL {name} ({route})", parameters)
        template = openapi_path(route)
        if template in DOCUMENT["paths"]:
            probes += [api_probe(w, template, m, values, token=False) for m in ("GET", "POST")]
            continue
        if name not in ACCESS:
            pytest.fail(f"URL {name} ({route}) is not in ACCESS: say who may use it")
        path = EXAMPLE_PATHS.get(name) or reverse(name, kwargs=values)
        landed = resolve(path)
        assert landed.view_name == name, f"the walk's path for {name} lands on {landed.view_name}"
        probes.append(Probe(name, "GET", path, path.startswith("/api/"), values.get("org")))
        body = bodies.get(name, {})
        probes.append(
            Probe(
                name,
                "POST",
                path,
                path.startswith("/api/"),
                values.get("org"),
                body=body,
                content_type="application/json" if isinstance(body, str) else None,
            )
        )
    # The OpenAPI document, with a bearer token.
    for template, item in DOCUMENT["paths"].items():
        parameters = re.findall(r"{(\w+)}", template)
        values = fill(w, f"API path {template}", parameters)
        for method in item:
            if method.upper() not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
                continue
            if item[method]["operationId"] not in ACCESS:
                pytest.fail(
                    f"API operation {item[method]['operationId']} is not in ACCESS: say who may use it"
                )
            probes.append(api_probe(w, template, method.upper(), values, token=True))
    # Canada's objects under the other organisation's slug: found nowhere, whoever asks.
    for probe in list(probes):
        if probe.org and any(f"/{PARAMS[p](w)}" in probe.path for p in OBJECT_PARAMETERS):
            foreign_path = probe.path.replace(f"/{w.canada.slug}/", f"/{w.uk.slug}/", 1)
            probes.append(
                Probe(
                    probe.key,
                    probe.method,
                    foreign_path,
                    probe.api,
                    w.uk.slug,
                    True,
                    probe.token,
                    probe.body,
                    probe.content_type,
                )
            )
    # Two URL patterns for one API path (ninja routes GET and POST through one view): ask once.
    return list(dict.fromkeys(probes))


def fingerprint_queries(organisation: Organisation) -> list[tuple[str, tuple]]:
    """SQL reading every row of the organisation that a request could wrongly change. Compiled once: the
    walk reads them around every request, and compiling the ORM's queries each time was half its cost."""
    members = User.objects.filter(memberships__organisation=organisation)
    querysets = [
        Application.objects.filter(organisation=organisation).values(),
        Person.objects.filter(application__organisation=organisation).values(),
        Employment.objects.filter(application__organisation=organisation).values(),
        StatusChange.objects.filter(application__organisation=organisation).values(),
        Membership.objects.filter(organisation=organisation).values(),
        members.values("pk", "username", "password", "is_active"),
        Program.objects.filter(organisation=organisation).values(),
        ImportJob.objects.filter(organisation=organisation).values(),
        RosterImport.objects.filter(organisation=organisation).values(),
        RosterEntry.objects.filter(organisation=organisation).values(),
        ExportRequest.objects.filter(organisation=organisation).values(),
        Organisation.objects.filter(pk=organisation.pk).values(),
        Message.objects.filter(application__organisation=organisation).values(),
        Flight.objects.filter(organisation=organisation).values(),
        Placement.objects.filter(flight__organisation=organisation).values(),
        Hold.objects.filter(application__organisation=organisation).values(),
        FamilyLink.objects.filter(organisation=organisation).values(),
        AllocationRun.objects.filter(organisation=organisation).values(),
        BoardingPass.objects.filter(flight__organisation=organisation).values(),
        # last_used_at moves when a persona's own token authenticates: that is not a change to the data.
        ApiToken.objects.filter(user__in=members).values(
            "pk", "user_id", "name", "token_hash", "expires_at", "revoked_at"
        ),
    ]
    return [qs.order_by("pk").query.sql_with_params() for qs in querysets]


def fingerprint(queries: list[tuple[str, tuple]]) -> list[list[tuple]]:
    with connection.cursor() as cursor:
        result = []
        for sql, params in queries:
            cursor.execute(sql, params)
            result.append(
                [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor]
            )
        return result


@dataclass
class Persona:
    label: str
    user: User | None = None
    raw_token: str = ""

    @property
    def org(self) -> str | None:
        return self.label.split(":")[0] if self.user else None

    @property
    def role(self) -> str | None:
        return self.label.split(":")[1] if self.user else None


def personas(w: World) -> list[Persona]:
    result = [Persona("anonymous")]
    for (org, role), user in w.users.items():
        _token, raw = issue_token(user, name="walk")
        result.append(Persona(f"{org}:{role}", user, raw))
    # The other organisation first: the report then reads outsiders before insiders.
    return sorted(result, key=lambda p: (p.org != "uk", p.org or "", p.role or ""))


# A URL that names no organisation (the applicants' pages, the user's own pages, the API's documents) answers
# the same whatever the role: it is walked as nobody, as an outsider, as the member who owns the walk's API
# token and may read cases, and as a member who may not, rather than fifteen times.
NO_ORGANISATION_PERSONAS = {"anonymous", "uk:case_officer", "canada:case_officer", "canada:org_admin"}

URL_ATTRIBUTES = re.compile(r"""(?:href|src|action|hx-get|hx-post|hx-push-url)=["']([^"']*)["']""")


def texts(response) -> tuple[str, str]:
    """The response's body and headers as text, with JSON's \\u escapes undone."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        with contextlib.suppress(ValueError):
            text += json.dumps(json.loads(text), ensure_ascii=False)
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    return text, headers


def found(personal: list[str], text: str) -> list[str]:
    squeezed = re.sub(r"[\s\-]", "", text).casefold()
    return [p for p in personal if p.casefold() in text.casefold() or re.sub(r"[\s\-]", "", p) in squeezed]


def send(client: Client, probe: Probe, persona: Persona, queries, baseline):
    """The response, and whether the organisation's rows changed, with everything rolled back after."""
    cookies = SimpleCookie(client.cookies)
    extra = {"HTTP_AUTHORIZATION": f"Bearer {persona.raw_token}"} if probe.token and persona.user else {}
    body = probe.body
    if isinstance(body, dict):
        body = {k: v() if callable(v) else v for k, v in body.items()}
    try:
        with transaction.atomic():
            try:
                if probe.method == "GET":
                    response = client.get(probe.path, **extra)
                elif probe.content_type:
                    # POST, PATCH...: the operation's own method, with its documented example as the body.
                    response = client.generic(
                        probe.method, probe.path, body, content_type=probe.content_type, **extra
                    )
                else:
                    response = client.post(probe.path, body or {}, **extra)
                changed = fingerprint(queries) != baseline
            finally:
                transaction.set_rollback(True)
    finally:
        # A sign-out, a language or an applicant's draft must not carry over to the next request.
        client.cookies = cookies
    return response, changed


def judge(w: World, persona: Persona, probe: Probe, response, changed: bool) -> list[str]:
    """What is wrong with this answer to this persona; nothing when all is well."""
    problems = []
    status = response.status_code
    access = ACCESS.get(probe.key, probe.key)
    canada_member = persona.org == w.canada.slug
    path_member = persona.user is not None and persona.org == probe.org
    capable = persona.role is not None and (
        access in (MEMBER, SIGNED_IN, PUBLIC)
        or (isinstance(access, Can) and access in capabilities(persona.role))
        or (access == OWN_TOKEN and persona.user == w.token.user)
        or (access == EXPORTER and persona.label in w.exporters)
        or (
            access == MANIFEST_EXPORTER
            and persona.label in w.exporters
            and Can.SCHEDULE in capabilities(persona.role)
        )
        or (access == EXPORT_REQUESTER and persona.user == w.export.requested_by)
        or (
            access == EXPORT_APPROVER
            and persona.label in w.exporters
            and persona.user != w.export.requested_by
        )
    )
    refused = status in (401, 403, 404, 405)

    if access == NO_SUCH_METHOD:
        expected = {405}
    elif persona.user is None and access != PUBLIC:
        # The pages send a visitor to sign in; the API answers 401. 405 answers a method before anything
        # is looked up: it tells nothing.
        expected = {401, 405} if probe.api else {302, 405}
    elif probe.org and not path_member:
        expected = {404, 405}  # another organisation's URLs do not exist
    elif probe.foreign:
        # Canada's objects under the member's own organisation: not there. A role without the
        # capability may hear 403 first or 404 first; neither says whether the object exists anywhere.
        expected = {403, 404, 405}
    elif access == OWN_TOKEN and not capable:
        expected = {404, 405}  # someone else's token is a 404, exactly as one that does not exist
    elif (isinstance(access, Can) or access in EXPORT_ACCESS) and not capable:
        expected = {403, 405}
    else:
        expected = None
    if status >= 500:
        problems.append(f"answered {status}")
    elif expected is not None and status not in expected:
        problems.append(f"answered {status}, expected one of {sorted(expected)}")
    elif expected is None and access != PUBLIC and status in (401, 403, 404):
        problems.append(f"answered {status} to a user who may use it (is the walk's object wrong?)")
    redirected = persona.user is None and status in (301, 302) and access not in (PUBLIC, NO_SUCH_METHOD)
    if redirected and not response["Location"].startswith(SIGN_IN):
        problems.append(f"sent a visitor to {response['Location']}, not to sign in")

    if changed and (refused or not canada_member):
        problems.append("changed the organisation's data")

    body, headers = texts(response)
    may_see = canada_member and (
        Can.VIEW_CASES in capabilities(persona.role)
        or (probe.key in PASSENGER_PAGES and Can.BOARD in capabilities(persona.role))
    )
    if not may_see:
        leaked = found(w.personal, body + "\n" + headers)
        if leaked:
            problems.append(f"showed the case's personal data {leaked}")

    urls = [probe.path, response.get("Location", "")]
    if response.get("Content-Type", "").startswith("text/html"):
        urls += URL_ATTRIBUTES.findall(body)
        if "Content-Security-Policy" not in response:
            problems.append("an HTML page without a Content-Security-Policy")
    for url in urls:
        leaked = found(w.personal, unquote_plus(url))
        if leaked:
            problems.append(f"personal data {leaked} in a URL: {url}")

    # Signing out answers with an empty redirect to someone who is no longer signed in.
    signed_out = getattr(response.cookies.get(settings.SESSION_COOKIE_NAME), "value", None) == ""
    if persona.user is not None and not signed_out and "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {response.get('Cache-Control')!r}, not no-store")
    return problems


@pytest.mark.django_db
def test_the_walk_knows_every_url_parameter_and_every_route():
    w = build_world()
    probes = build_probes(w)
    keys = {p.key for p in probes}
    # Everything in ACCESS is still reached; a stale entry would hide a renamed URL.
    assert set(ACCESS) <= keys, set(ACCESS) - keys
    assert {"cases:detail", "imports:detail", "exports:download", "tokens:revoke", "readApplication"} <= keys
    assert {"rosters:claim", "rosters:import_detail"} <= keys
    # Each ninja pattern is an operation of the document, so both walks cover the same API.
    api_routes = {
        openapi_path(route) for _n, route, _p, pattern in walk_patterns() if "ninja" in pattern.lookup_str
    }
    assert set(DOCUMENT["paths"]) <= api_routes
    assert any(p.foreign and p.api for p in probes) and any(p.foreign and not p.api for p in probes)


@pytest.mark.django_db
def test_no_request_leaks_or_changes_what_it_should_not(subtests, caplog):
    caplog.set_level(logging.ERROR, logger="django.request")  # hundreds of expected 403, 404 and 405
    w = build_world()
    probes = build_probes(w)
    people = personas(w)
    clients = {}
    for persona in people:
        client = Client()
        if persona.user is not None:
            client.force_login(persona.user)
        # The bearer token's requests carry no session: the token alone must decide.
        clients[persona.label] = {False: client, True: Client()}
    queries = fingerprint_queries(w.canada)
    baseline = fingerprint(queries)
    assert all(baseline), "the walk's organisation has rows of every kind it watches"
    for persona in people:
        with subtests.test(persona=persona.label):
            problems = []
            for probe in probes:
                if probe.org is None and persona.label not in NO_ORGANISATION_PERSONAS:
                    continue
                client = clients[persona.label][probe.token]
                response, changed = send(client, probe, persona, queries, baseline)
                problems += [f"{probe}: {problem}" for problem in judge(w, persona, probe, response, changed)]
            assert not problems, f"as {persona.label}:\n" + "\n".join(problems)
    assert fingerprint(queries) == baseline


# GET forms whose typed text is no applicant's personal data, with the reason.
GET_FORMS_ALLOWED = {
    "audit:log": "the auditor filters by staff username, action code and case reference",
}
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
INPUT = re.compile(r"<input\b[^>]*>")


def text_sent_in_the_url(html: str) -> list[str]:
    """The free-text fields of forms that submit by GET: what is typed in them lands in the URL."""
    fields = []
    for attributes, inner in FORM.findall(html):
        method = re.search(r"\bmethod=[\"'](\w+)", attributes)
        by_get = "hx-get" in attributes or not method or method.group(1).lower() == "get"
        for tag in INPUT.findall(inner) if by_get else []:
            kind = re.search(r"\btype=[\"'](\w+)", tag)
            name = re.search(r"\bname=[\"']([^\"']+)", tag)
            if name and (kind is None or kind.group(1) in ("text", "search", "tel", "email")):
                fields.append(name.group(1))
    return fields


@pytest.mark.django_db
def test_no_page_puts_what_is_typed_in_a_url(caplog):
    """No personal data in URLs: a name searched for, typed in a GET form, would be in one."""
    caplog.set_level(logging.ERROR, logger="django.request")
    w = build_world()
    pages = [p for p in build_probes(w) if p.method == "GET" and not p.api and not p.foreign]
    offenders = []
    for persona in [None, *(w.users[("canada", role)] for role in Role.values)]:
        client = Client()
        if persona is not None:
            client.force_login(persona)
        for probe in pages:
            if (probe.org is None) != (persona is None) or probe.key in GET_FORMS_ALLOWED:
                continue
            response = client.get(probe.path)
            if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
                fields = text_sent_in_the_url(response.content.decode())
                offenders += [f"{probe.path}: {field}" for field in fields]
    assert not offenders, sorted(set(offenders))
