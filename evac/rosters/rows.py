"""One roster row into clean values, or into the reasons it cannot be used.

A roster row needs a badge number (what the employer knows its staff by, and what a re-import updates by)
and a name in any script. A date that cannot be read, is impossible or in the future, or a value too long
to store rejects the row; an unknown role is kept as written. Reasons never quote the cell: they are kept
on the import and must not keep personal data.
"""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from evac.core.dates import DateError, PartialDate, parse_partial_date
from evac.imports.reading import Layout, aliases_of
from evac.imports.rows import date_reason, parse_date, parse_role
from evac.rosters.matching import badge_key
from evac.rosters.models import RosterEntry

COLUMNS = (
    "badge_number",
    "given_name",
    "family_name",
    "father_name",
    "native_name",
    "birth_date",
    "role",
    "employment_start",
    "employment_end",
)
# The application import's English and French headers for the same columns (badge, matricule, employee
# id, service number...; prénom, nom, nom du père...).
ROSTER = Layout.of(aliases_of(*COLUMNS), ("badge_number",), ("given_name", "native_name", "family_name"))
TEXT_FIELDS = ("given_name", "family_name", "father_name", "native_name")
LIMITS = {
    name: RosterEntry._meta.get_field(name).max_length
    for name in ("badge_number", *TEXT_FIELDS, "role_as_written")
}
# Every field a row sets: the ones compared on re-import.
ENTRY_FIELDS = (
    "badge_number",
    *TEXT_FIELDS,
    "birth_year",
    "birth_month",
    "birth_day",
    "role",
    "role_as_written",
    "start",
    "end",
)


@dataclass
class ParsedEntry:
    line: int
    badge_key: str
    values: dict[str, object]  # ENTRY_FIELDS -> value


def parse_entry(
    line: int, raw: dict[str, str], *, today: date | None = None
) -> tuple[ParsedEntry | None, list[tuple[str, str]]]:
    """(the clean row, []) or (None, [(column, reason), ...]) with every reason the row has."""
    errors: list[tuple[str, str]] = []
    badge = raw.get("badge_number", "")
    key = badge_key(badge)
    if not key:
        errors.append(("badge_number", _("missing: every row needs the person's badge or staff number")))
    values: dict[str, object] = {"badge_number": badge}
    values.update({name: raw.get(name, "") for name in TEXT_FIELDS})
    if not (values["given_name"] or values["native_name"]) and values["family_name"]:
        # One name, written in the family-name column: it is the person's name.
        values["given_name"], values["family_name"] = values["family_name"], ""
    if not (values["given_name"] or values["native_name"]):
        column = next((c for c in ("given_name", "native_name") if c in raw), "given_name")
        errors.append((column, _("no name in any script")))
    for name in ("badge_number", *TEXT_FIELDS):
        if len(values[name]) > LIMITS[name]:  # type: ignore[arg-type]
            errors.append((name, _("longer than {n} characters").format(n=LIMITS[name])))

    birth = None
    try:
        birth = parse_date(raw.get("birth_date", ""), today=today)
    except DateError as error:
        errors.append(("birth_date", date_reason(error)))
    values["birth_year"] = birth.year if birth else None
    values["birth_month"] = birth.month if birth else None
    values["birth_day"] = birth.day if birth else None

    period: dict[str, PartialDate | None] = {}
    for column, name in (("employment_start", "start"), ("employment_end", "end")):
        try:
            period[name] = parse_partial_date(raw.get(column, ""), today=today)
        except DateError as error:
            errors.append((column, date_reason(error)))
            period[name] = None
        values[name] = period[name].earliest() if period[name] else None  # type: ignore[union-attr]
    start, end = period["start"], period["end"]
    # Compared at the precision written: an end in "2021-08" may well come after a start on 14 August.
    if start and end and end.isoformat() < start.isoformat()[: len(end.isoformat())]:
        errors.append(("employment_end", _("the end comes before the start")))

    if errors:
        return None, errors
    role, role_as_written = parse_role(raw.get("role", ""))
    values["role"] = role
    values["role_as_written"] = role_as_written[: LIMITS["role_as_written"]]
    return ParsedEntry(line, key, values), []
