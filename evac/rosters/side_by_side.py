"""The claim page's table: each field of the claim beside the same field of each candidate entry, with how
they compare (for the highlighting) and why, in plain words."""

from dataclasses import dataclass

from django.utils.functional import Promise

from evac.cases.models import Employment, EmploymentRole, Person
from evac.rosters.matching import FIELD_LABELS, Evidence
from evac.rosters.models import RosterEntry
from evac.rosters.services import ClaimMatch

FIELDS = ("given", "family", "father", "native", "birth_year", "role", "dates", "badge")


@dataclass
class Cell:
    value: str
    evidence: Evidence | None


@dataclass
class Row:
    field: str
    label: str | Promise
    claim: str
    cells: list[Cell]


def _role(role: str, written: str) -> str:
    label = str(EmploymentRole(role).label) if role in EmploymentRole.values else ""
    return f"{label} ({written})" if written and label else label or written


def _period(start, end) -> str:
    if not start and not end:
        return ""
    return "{} – {}".format(start.isoformat() if start else "?", end.isoformat() if end else "…")


def claim_values(employment: Employment, person: Person | None) -> dict[str, str]:
    person = person or Person()
    return {
        "given": person.given_name,
        "family": person.family_name,
        "father": person.father_name,
        "native": person.native_name,
        "birth_year": str(person.birth_year or ""),
        "role": _role(employment.role, employment.role_as_written),
        "dates": _period(employment.start, employment.end),
        "badge": employment.badge_number,
    }


def entry_values(entry: RosterEntry) -> dict[str, str]:
    return {
        "given": entry.given_name,
        "family": entry.family_name,
        "father": entry.father_name,
        "native": entry.native_name,
        "birth_year": entry.birth_date_display,
        "role": _role(entry.role, entry.role_as_written),
        "dates": _period(entry.start, entry.end),
        "badge": entry.badge_number,
    }


def rows(employment: Employment, person: Person | None, match: ClaimMatch) -> list[Row]:
    claim = claim_values(employment, person)
    entries = [entry_values(match.entry(c)) for c in match.candidates]
    return [
        Row(
            field,
            FIELD_LABELS[field],
            claim[field],
            [Cell(values[field], c.on(field)) for c, values in zip(match.candidates, entries, strict=True)],
        )
        for field in FIELDS
    ]
