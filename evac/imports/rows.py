"""Turning one spreadsheet row into clean values, or into the reasons it cannot be used.

Only what makes a row unusable rejects it: no name in any script, an unreadable, impossible or future
date, an unknown relationship, a value too long to store. Everything else is kept as written and
flagged for a person to review (the flags go on the case: Application.review_flags).

Reasons never quote the cell: they are stored on the import job and must not keep personal data.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from evac.cases.models import Application, Employment, EmploymentRole, Person, Relationship, Sex
from evac.core.dates import DateError, PartialDate, parse_partial_date
from evac.core.text import fold
from evac.situation.provinces import resolve_province

PHONE_REGION = "AF"
# Nobody alive to evacuate was born before this year; an earlier one is a typing mistake.
EARLIEST_BIRTH_YEAR = 1900
TEXT_FIELDS = (
    "given_name",
    "family_name",
    "father_name",
    "grandfather_name",
    "native_name",
    "tazkira_number",
    "passport_number",
    "nationality",
    "medical_needs",
)
# Every Person field an import sets: the ones compared on re-import.
PERSON_FIELDS = (
    "relationship",
    *TEXT_FIELDS,
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "phone",
    "email",
)


def _aliases(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {fold(alias): value for value, aliases in table.items() for alias in (value, *aliases)}


RELATIONSHIPS = _aliases(
    {
        Relationship.SELF: (
            "principal", "principal applicant", "applicant", "main applicant", "head of family",
            "head", "demandeur", "demandeur principal", "demandeuse principale", "lui meme",
            "elle meme", "titulaire", "chef de famille",
        ),
        Relationship.SPOUSE: ("wife", "husband", "partner", "epouse", "epoux", "conjoint", "conjointe", "femme", "mari"),
        Relationship.CHILD: ("son", "daughter", "kid", "fils", "fille", "enfant"),
        Relationship.PARENT: ("father", "mother", "pere", "mere"),
        Relationship.SIBLING: ("brother", "sister", "frere", "soeur", "sœur"),
        Relationship.OTHER: ("other", "other relative", "relative", "autre", "autre parent"),
    }
)  # fmt: skip
SEXES = _aliases(
    {
        Sex.MALE: ("m", "male", "man", "boy", "h", "homme", "masculin", "garcon"),
        Sex.FEMALE: ("f", "female", "woman", "girl", "femme", "feminin", "fille"),
        Sex.OTHER: ("x", "other", "autre"),
    }
)
ROLES = _aliases(
    {
        EmploymentRole.INTERPRETER: (
            "interpreter", "translator", "linguist", "language assistant", "cultural advisor",
            "interprete", "traducteur", "traductrice", "interprete traducteur",
        ),
        EmploymentRole.COOK: ("cook", "chef", "kitchen staff", "cuisinier", "cuisiniere", "aide cuisinier"),
        EmploymentRole.DRIVER: ("driver", "chauffeur", "conducteur"),
        EmploymentRole.CLEANER: (
            "cleaner", "housekeeper", "janitor", "femme de menage", "agent d entretien", "agent de nettoyage",
            "nettoyeur", "menage",
        ),
        EmploymentRole.CONSTRUCTION_WORKER: (
            "construction worker", "construction", "labourer", "laborer", "builder", "mason", "ouvrier",
            "ouvrier du batiment", "ouvriere", "macon", "manoeuvre",
        ),
        EmploymentRole.SECURITY_GUARD: (
            "security guard", "guard", "security", "watchman", "gardien", "gardienne", "agent de securite",
            "garde", "vigile",
        ),
        EmploymentRole.EMBASSY_STAFF: (
            "embassy staff", "embassy employee", "locally engaged staff", "local staff",
            "personnel d ambassade", "employe d ambassade", "employe de l ambassade",
        ),
    }
)  # fmt: skip
_PLACEHOLDER = re.compile(r"^(?:\d{4}[-/.]0?1[-/.]0?1|0?1[-/.]0?1[-/.]\d{4})$")
_PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


@dataclass
class ParsedRow:
    """One good row: the person's fields, the case-level cells, and what a person should check."""

    line: int
    application_ref: str
    person_ref: str
    person: dict[str, object]
    province: str | None = None  # resolved ISO code
    province_as_written: str = ""
    district: str = ""
    address: str = ""
    employer: str = ""
    role: str = ""
    role_as_written: str = ""
    employment_start: date | None = None
    employment_end: date | None = None
    badge_number: str = ""
    flags: set[str] = field(default_factory=set)


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length or 10**6


PERSON_LIMITS = {name: _max_length(Person, name) for name in TEXT_FIELDS}
REF_LIMIT = _max_length(Application, "source_ref")
# Case-level text is cut to fit, and flagged, rather than losing the person for a long district.
CASE_LIMITS = {
    "district": _max_length(Application, "district"),
    "address": _max_length(Application, "address"),
    "province": _max_length(Application, "province_as_written"),
    "employer": _max_length(Employment, "employer_name"),
    "role": _max_length(Employment, "role_as_written"),
    "badge_number": _max_length(Employment, "badge_number"),
}


# -- the small parsers (tested with hypothesis) ----------------------------------------------------


# A few spellings recur on every row: fold each once.
@lru_cache(maxsize=1024)
def parse_relationship(text: str) -> str | None:
    """The Relationship value for self/principal/épouse/fils/mère..., or None when it is not one."""
    return RELATIONSHIPS.get(fold(text))


@lru_cache(maxsize=1024)
def parse_sex(text: str) -> str | None:
    """The stored value (M, F or X); an empty string for an empty cell; None for anything else."""
    folded = fold(text)
    if not folded:
        return ""
    return SEXES.get(folded)


@lru_cache(maxsize=1024)
def parse_role(text: str) -> tuple[str, str]:
    """(role, role as written). A role that matches none is "other", keeping what was written."""
    folded = fold(text)
    if not folded:
        return "", ""
    role = ROLES.get(folded)
    if role is None:
        return EmploymentRole.OTHER, text.strip()
    return role, ""


def parse_date(text: str, *, today: date | None = None) -> PartialDate | None:
    """parse_partial_date, and birth dates before 1900 are impossible too. Raises DateError only."""
    parsed = parse_partial_date(text, today=today)
    if parsed is not None and parsed.year < EARLIEST_BIRTH_YEAR:
        raise DateError("impossible date: before 1900")
    return parsed


def normalise_phone(text: str) -> tuple[str, bool]:
    """(E.164, True) for a number phonenumbers accepts, in any local or international form;
    (the text as written, False) otherwise. Applying it to its own result changes nothing."""
    text = text.strip()
    if not text:
        return "", True
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException:
        return text, False
    if not phonenumbers.is_valid_number(number):
        return text, False
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), True


def is_placeholder_date(text: str) -> bool:
    """1 January written in full, the usual stand-in for "born that year" (1987-01-01, 01/01/1987)."""
    return bool(_PLACEHOLDER.match(text.strip().translate(_PERSIAN_DIGITS)))


def date_reason(error: DateError) -> str:
    message = str(error)
    if message.startswith("date in the future"):
        return _("date in the future")
    if message.startswith("not a date"):
        return _("not a date (write YYYY, YYYY-MM, YYYY-MM-DD, DD/MM/YYYY or a Solar Hijri date)")
    return _("impossible date")


# -- one row -------------------------------------------------------------------------------------


def parse_row(
    line: int, raw: dict[str, str], *, today: date | None = None
) -> tuple[ParsedRow | None, list[tuple[str, str]]]:
    """(the clean row, []) or (None, [(column, reason), ...]) with every reason the row has."""
    errors: list[tuple[str, str]] = []
    flags: set[str] = set()
    ref = raw.get("application_ref", "")
    person_ref = raw.get("person_ref", "")
    if not ref:
        errors.append(("application_ref", _("missing: every row needs its family's reference")))
    for column, value in (("application_ref", ref), ("person_ref", person_ref)):
        if len(value) > REF_LIMIT:
            errors.append((column, _("longer than {n} characters").format(n=REF_LIMIT)))

    person: dict[str, object] = {name: raw.get(name, "") for name in TEXT_FIELDS}
    if not (person["given_name"] or person["native_name"]) and person["family_name"]:
        # One name, written in the family-name column: it is the person's name.
        person["given_name"], person["family_name"] = person["family_name"], ""
    if not (person["given_name"] or person["native_name"]):
        column = next((c for c in ("given_name", "native_name") if c in raw), "given_name")
        errors.append((column, _("no name in any script")))
    for name, limit in PERSON_LIMITS.items():
        if len(person[name]) > limit:  # type: ignore[arg-type]
            errors.append((name, _("longer than {n} characters").format(n=limit)))

    written = raw.get("relationship", "")
    relationship = parse_relationship(written)
    if relationship is None:
        errors.append(
            (
                "relationship",
                _("unknown relationship (use self, spouse, child, parent, sibling or other)")
                if written
                else _("missing"),
            )
        )
    person["relationship"] = relationship

    sex = parse_sex(raw.get("sex", ""))
    if sex is None:
        flags.add("sex_unknown")
        sex = ""
    person["sex"] = sex

    birth_text = raw.get("birth_date", "")
    birth = None
    try:
        birth = parse_date(birth_text, today=today)
    except DateError as error:
        errors.append(("birth_date", date_reason(error)))
    person["birth_year"] = birth.year if birth else None
    person["birth_month"] = birth.month if birth else None
    person["birth_day"] = birth.day if birth else None
    if birth and birth.day and is_placeholder_date(birth_text):
        flags.add("placeholder_birth_date")

    phone, ok = normalise_phone(raw.get("phone", ""))
    if not ok:
        flags.add("phone_unparsed")
        if len(phone) > _max_length(Person, "phone"):
            phone = ""
    person["phone"] = phone

    email = raw.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            flags.add("email_invalid")
            email = ""
    person["email"] = email

    employment = {}
    for column in ("employment_start", "employment_end"):
        try:
            parsed = parse_partial_date(raw.get(column, ""), today=today)
        except DateError as error:
            errors.append((column, date_reason(error)))
            parsed = None
        employment[column] = parsed.earliest() if parsed else None

    if errors:
        return None, errors

    case_text = {}
    for column, limit in CASE_LIMITS.items():
        value = raw.get(column, "")
        if len(value) > limit:
            flags.add("text_truncated")
            value = value[:limit]
        case_text[column] = value
    province = resolve_province(case_text["province"]) if case_text["province"] else None
    if case_text["province"] and province is None:
        flags.add("province_unresolved")
    role, role_as_written = parse_role(case_text["role"])
    if role_as_written:
        flags.add("role_unknown")
    if (case_text["employer"] or case_text["badge_number"]) and not role:
        role = EmploymentRole.OTHER
        flags.add("role_unknown")
    return (
        ParsedRow(
            line=line,
            application_ref=ref,
            person_ref=person_ref,
            person=person,
            province=province,
            province_as_written="" if province else case_text["province"],
            district=case_text["district"],
            address=case_text["address"],
            employer=case_text["employer"],
            role=role,
            role_as_written=role_as_written,
            employment_start=employment["employment_start"],
            employment_end=employment["employment_end"],
            badge_number=case_text["badge_number"],
            flags=flags,
        ),
        [],
    )
