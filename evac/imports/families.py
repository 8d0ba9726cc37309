"""A family is the rows of a file that share an application_ref. This module turns them into one
consistent family, or rejects the family with its reason on each of its lines."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from evac.cases.models import Relationship
from evac.imports.rows import ParsedRow, parse_row


@dataclass
class RowError:
    line: int
    column: str  # an interchange column; the import reports the header as the file wrote it
    reason: str


@dataclass
class Family:
    ref: str
    members: list[tuple[str, ParsedRow]]  # (person key, row), in file order
    lines: list[int]  # every line of the family, rejected ones included
    rejected: set[int] = field(default_factory=set)

    @property
    def principal(self) -> ParsedRow:
        return next(row for _key, row in self.members if row.person["relationship"] == Relationship.SELF)

    def case_rows(self) -> list[ParsedRow]:
        """The rows to read case-level cells from: the principal's first, as partners write them there."""
        principal = self.principal
        return [principal, *(row for _key, row in self.members if row is not principal)]

    def first(self, attribute: str):
        return next((getattr(r, attribute) for r in self.case_rows() if getattr(r, attribute)), None)

    @property
    def flags(self) -> set[str]:
        return set().union(*(row.flags for _key, row in self.members))


def assemble(
    ref: str, entries: list[tuple[int, dict[str, str]]], *, today: date
) -> tuple[Family | None, list[RowError]]:
    """Parse every row of one family. Bad rows are left out with their reasons; a family whose good
    rows disagree (no principal, two principals, one person twice) is left out whole."""
    errors: list[RowError] = []
    family = Family(ref=ref, members=[], lines=[line for line, _raw in entries])
    for index, (line, raw) in enumerate(entries, start=1):
        parsed, row_errors = parse_row(line, raw, today=today)
        if parsed is None:
            errors.extend(RowError(line, column, reason) for column, reason in row_errors)
            family.rejected.add(line)
            continue
        # Without a person_ref, a person is known by their place in the family: stable while the
        # partner re-sends the same sheet, which is what re-imports are.
        family.members.append((parsed.person_ref or f"#{index}", parsed))
    if not family.members:
        return None, errors
    principals = sum(1 for _key, row in family.members if row.person["relationship"] == Relationship.SELF)
    keys = [key for key, _row in family.members]
    column = "relationship"
    if principals == 0:
        reason = _("the family has no principal applicant (a row with relationship self)")
        if family.rejected:
            reason = _("the family has no usable principal applicant: its other rows were not imported")
    elif principals > 1:
        reason = _("the family has {count} principal applicants; it needs exactly one").format(
            count=principals
        )
    elif len(set(keys)) != len(keys):
        reason, column = _("two rows of the family have the same person_ref"), "person_ref"
    else:
        return family, errors
    errors.extend(RowError(line, column, reason) for line in family.lines)
    family.rejected.update(family.lines)
    return None, errors
