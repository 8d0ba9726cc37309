"""The rows of an export, read from its frozen references in batches: memory stays flat however many."""

from collections.abc import Iterator, Sequence
from itertools import islice

from django.db.models import Prefetch

from evac.accounts.models import Organisation
from evac.cases.models import Application, Person
from evac.exports.columns import Column, Value, per_person

# References per query: well under SQLite's limit on query parameters, and a page of work for PostgreSQL.
BATCH = 500


def batched(items: Sequence[str], size: int = BATCH) -> Iterator[list[str]]:
    iterator = iter(items)  # itertools.batched arrives with Python 3.12
    while batch := list(islice(iterator, size)):
        yield batch


def _plain(value: Value | None) -> Value:
    # Encrypted fields read back as str subclasses: the writers get plain str, and "" for nothing.
    if value is None:
        return ""
    return value if isinstance(value, int) else str(value)


def header(columns: Sequence[Column]) -> list[str]:
    return [str(column.label) for column in columns]


def _cases(organisation: Organisation, references: Sequence[str], columns: Sequence[Column]):
    cases = Application.objects.filter(organisation=organisation, reference__in=references).select_related(
        "program", "province"
    )
    if any(column.key in ("employer", "role") for column in columns):
        cases = cases.prefetch_related("employments__employer")
    if per_person(columns):
        cases = cases.prefetch_related(Prefetch("people", queryset=Person.objects.order_by("position", "id")))
    return {case.reference: case for case in cases}


def rows(organisation: Organisation, references: Sequence[str], columns: Sequence[Column]) -> Iterator[list]:
    """One row per person when a person column is chosen (the case's columns repeated on each), one per
    case otherwise, in the order the references were frozen. Only this organisation's cases are read: a
    reference that is no longer one of them is left out."""
    by_person = per_person(columns)
    for batch in batched(references):
        cases = _cases(organisation, batch, columns)
        for reference in batch:
            case = cases.get(reference)
            if case is None:
                continue
            for person in case.people.all() if by_person else [None]:
                yield [_plain(column.value(case, person)) for column in columns]


def count_rows(
    organisation: Organisation, references: Sequence[str], columns: Sequence[Column]
) -> tuple[list[str], int]:
    """The references still among this organisation's cases, in order, and the rows their export holds."""
    present: list[str] = []
    people = 0
    for batch in batched(references):
        found = Application.objects.filter(organisation=organisation, reference__in=batch)
        known = set(found.values_list("reference", flat=True))
        present += [reference for reference in batch if reference in known]
        if per_person(columns):
            people += Person.objects.filter(application__in=found).count()
    return present, (people if per_person(columns) else len(present))
