"""What an export may hold: a fixed, named list of columns. Nothing outside this table can be exported.

Each column says whether it is about the case or about each person (one row per person as soon as one
person column is chosen), and how sensitive it is: personal (names someone or describes them) or
protected (identity documents, contact details and health: what gets a person found).
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from evac.cases.models import Application, Person


class Level(StrEnum):
    CASE = "case"
    PERSON = "person"


class Sensitivity(StrEnum):
    NONE = ""
    PERSONAL = "personal"
    PROTECTED = "protected"


Value = str | int


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    level: Level
    sensitivity: Sensitivity
    value: Callable[[Application, Person | None], Value]


def _employments(case: Application, attribute: Callable) -> str:
    # Prefetched by the row builder: one query per batch, not per case.
    return "; ".join(dict.fromkeys(v for v in (attribute(e) for e in case.employments.all()) if v))


def _case(get: Callable[[Application], Value]) -> Callable[[Application, Person | None], Value]:
    return lambda case, _person: get(case)


def _person(get: Callable[[Person], Value]) -> Callable[[Application, Person | None], Value]:
    return lambda _case, person: get(person) if person is not None else ""


P, C = Level.PERSON, Level.CASE
NONE, PERSONAL, PROTECTED = Sensitivity.NONE, Sensitivity.PERSONAL, Sensitivity.PROTECTED

COLUMNS: tuple[Column, ...] = (
    Column("reference", _("Reference"), C, NONE, _case(lambda c: c.display_reference)),
    Column("status", _("Status"), C, NONE, _case(lambda c: c.get_status_display())),
    Column("program", _("Program"), C, NONE, _case(lambda c: c.program.name)),
    Column(
        "province",
        _("Province"),
        C,
        NONE,
        _case(lambda c: c.province.name if c.province else c.province_as_written),
    ),
    Column("district", _("District"), C, PERSONAL, _case(lambda c: c.district)),
    Column("priority", _("Priority"), C, NONE, _case(lambda c: c.priority)),
    Column("received", _("Received"), C, NONE, _case(lambda c: c.created_at.date().isoformat())),
    Column("principal_name", _("Principal applicant"), C, PERSONAL, _case(lambda c: c.principal_name)),
    Column("family_size", _("Family size"), C, NONE, _case(lambda c: c.family_size)),
    Column(
        "employer",
        _("Employer"),
        C,
        NONE,
        _case(lambda c: _employments(c, lambda e: e.employer.name if e.employer else e.employer_name)),
    ),
    Column(
        "role",
        _("Role"),
        C,
        NONE,
        _case(lambda c: _employments(c, lambda e: e.role_as_written or e.get_role_display())),
    ),
    Column("relationship", _("Relationship"), P, NONE, _person(lambda p: p.get_relationship_display())),
    Column("given_name", _("Given name"), P, PERSONAL, _person(lambda p: p.given_name)),
    Column("family_name", _("Family name"), P, PERSONAL, _person(lambda p: p.family_name)),
    Column("father_name", _("Father's name"), P, PERSONAL, _person(lambda p: p.father_name)),
    Column("native_name", _("Name in Perso-Arabic script"), P, PERSONAL, _person(lambda p: p.native_name)),
    Column("sex", _("Sex"), P, PERSONAL, _person(lambda p: p.get_sex_display())),
    Column("birth_date", _("Date of birth"), P, PERSONAL, _person(lambda p: p.birth_date_display)),
    Column("nationality", _("Nationality"), P, PERSONAL, _person(lambda p: p.nationality)),
    Column("phone", _("Phone"), P, PROTECTED, _person(lambda p: p.phone)),
    Column("email", _("Email"), P, PROTECTED, _person(lambda p: p.email)),
    Column("tazkira_number", _("Tazkira number"), P, PROTECTED, _person(lambda p: p.tazkira_number)),
    Column("passport_number", _("Passport number"), P, PROTECTED, _person(lambda p: p.passport_number)),
    Column("medical_needs", _("Medical needs"), P, PROTECTED, _person(lambda p: p.medical_needs)),
)
BY_KEY = {column.key: column for column in COLUMNS}
# Every row says which case it comes from: without it a list of people cannot be traced or corrected.
ALWAYS = ("reference",)


def chosen(keys: Sequence[str]) -> list[Column]:
    """The columns asked for, in the table's order, with the reference; unknown keys are an error."""
    unknown = set(keys) - set(BY_KEY)
    if unknown:
        raise KeyError(sorted(unknown))
    wanted = set(keys) | set(ALWAYS)
    return [column for column in COLUMNS if column.key in wanted]


def per_person(columns: Sequence[Column]) -> bool:
    return any(column.level == Level.PERSON for column in columns)
