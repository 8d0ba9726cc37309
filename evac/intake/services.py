"""Submitting an applicant's draft and checking a status. Both call the cases services, which write the
audit events, so a web application is created exactly like any other."""

import functools

from django.contrib.auth.hashers import check_password, get_hasher, make_password
from django.db import transaction

from evac.audit.services import Origin, record_event
from evac.cases.models import Application, Employment, Person, Relationship, Source
from evac.cases.services import CASE, create_application
from evac.core import references
from evac.core.dates import parse_partial_date
from evac.intake import drafts, limits
from evac.intake.forms import ELSEWHERE
from evac.intake.models import IntakeDraft
from evac.programs.models import Program
from evac.rosters.services import resolve_employer


class ProgramClosed(Exception):
    """The program closed while the applicant was filling in the form."""


PERSON_FIELDS = (
    "given_name",
    "family_name",
    "native_name",
    "father_name",
    "grandfather_name",
    "sex",
    "tazkira_number",
    "passport_number",
    "medical_needs",
)


def _person(answers: dict, relationship: str) -> Person:
    person = Person(relationship=relationship, **{f: answers.get(f, "") for f in PERSON_FIELDS})
    birth = parse_partial_date(answers.get("birth_date", ""))
    if birth:
        person.birth_year, person.birth_month, person.birth_day = birth.year, birth.month, birth.day
    return person


def _date(text: str):
    parsed = parse_partial_date(text or "")
    return parsed.earliest() if parsed else None


def build_application(draft: IntakeDraft, program: Program) -> tuple[Application, list[Person], Employment]:
    """The unsaved case, family and employment the draft describes, with what a clerk should check."""
    contact, work = draft.data["contact"], draft.data["employment"]
    principal = _person(draft.data["applicant"], Relationship.SELF)
    principal.phone, principal.email = contact.get("phone", ""), contact.get("email", "")
    people = [principal, *(_person(m, m["relationship"]) for m in drafts.members(draft))]
    elsewhere = contact.get("province") == ELSEWHERE
    application = Application(
        organisation=program.organisation,
        program=program,
        source=Source.WEB,
        language=draft.language,
        province_id=None if elsewhere else contact.get("province"),
        province_as_written=contact.get("province_as_written", "") if elsewhere else "",
        district=contact.get("district", ""),
    )
    employment = Employment(
        employer_name=work["employer_name"],
        role=work["role"],
        role_as_written=work.get("role_as_written", ""),
        start=_date(work.get("start", "")),
        end=_date(work.get("end", "")),
        supervisor=work.get("supervisor", ""),
        evidence=work.get("evidence", ""),
    )
    flags = []
    if elsewhere:
        flags.append("province_unresolved")
    if resolve_employer(program.organisation, employment.employer_name) is None:
        flags.append("employer_unknown")
    if employment.role == "other":
        flags.append("role_unknown")
    if any(p.birth_month == 1 and p.birth_day == 1 for p in people):
        flags.append("placeholder_birth_date")
    application.review_flags = flags
    return application, people, employment


def submit(draft: IntakeDraft, *, origin: Origin) -> tuple[Application, bool]:
    """Turn the draft into a case. The draft's key is the idempotency key, so a doubled submission returns
    the case the first one made (created False). Raises ProgramClosed and limits.RateLimited."""
    program = (
        Program.objects.filter(pk=draft.data.get("program"), is_open=True)
        .select_related("organisation")
        .first()
    )
    if program is None:
        raise ProgramClosed
    limits.check(limits.SUBMISSIONS_PER_ADDRESS, origin.ip)
    application, people, employment = build_application(draft, program)
    application.applicant_secret_hash = make_password(draft.secret)
    with transaction.atomic():
        application, created = create_application(
            application, people, [employment], actor=None, origin=origin, idempotency_key=draft.key
        )
        if created:
            limits.hit(limits.SUBMISSIONS_PER_ADDRESS, origin.ip)
        IntakeDraft.objects.filter(pk=draft.pk).delete()
    return application, created


def normalise_secret(text: str) -> str:
    return references.normalise(text or "")[:32]


@functools.lru_cache
def _dummy_hash(algorithm: str) -> str:
    return make_password("not a secret anyone holds", hasher=algorithm)


def check_status(reference: str, secret: str, *, origin: Origin) -> Application | None:
    """The application when the reference and secret match, else None.

    An unknown reference and a wrong secret look the same from outside: same answer, and the same
    password-hashing work (a dummy hash stands in for the missing one), so timing tells nothing either.
    Raises limits.RateLimited before checking anything once an address or reference has failed too often.
    """
    reference = references.normalise(reference or "")[: references.LENGTH + 4]
    limits.check(limits.STATUS_PER_ADDRESS, origin.ip)
    limits.check(limits.STATUS_PER_REFERENCE, reference)
    application = (
        Application.objects.filter(reference=reference).select_related("organisation", "program").first()
    )
    encoded = application.applicant_secret_hash if application is not None else ""
    matched = check_password(normalise_secret(secret), encoded or _dummy_hash(get_hasher().algorithm))
    success = bool(matched and encoded)
    if not success:
        limits.hit(limits.STATUS_PER_ADDRESS, origin.ip)
        limits.hit(limits.STATUS_PER_REFERENCE, reference)
    record_event(
        "case.status_check",
        actor=None,
        organisation=application.organisation if success and application else None,
        target_type=CASE if success else "",
        target_ref=application.reference if success and application else "",
        origin=origin,
        detail={"success": success},
    )
    return application if success else None


def first_name(application: Application) -> str:
    """The principal's first given name, the only personal detail the status page shows."""
    principal = application.people.filter(relationship=Relationship.SELF).first()
    if principal is None:
        return ""
    name = principal.given_name or principal.native_name
    return name.split()[0] if name.split() else ""
