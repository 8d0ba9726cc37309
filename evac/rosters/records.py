"""Claims and roster entries as the matcher's Records, and a roster entry's stored keys."""

from django.db import connection

from evac.cases.models import Employment, Person
from evac.rosters.matching import Record, blocking_keys, value_keys
from evac.rosters.models import RosterEntry, RosterKey

# What matching reads of a person: loading the whole row would decrypt their documents and phone for nothing.
PERSON_FIELDS = ("id", "application_id", "relationship", "given_name", "family_name", "father_name", "native_name", "birth_year")  # fmt: skip
ENTRY_FIELDS = (
    "id", "public_id", "employer_id", "badge_number", "given_name", "family_name", "father_name", "native_name",
    "birth_year", "role", "start", "end",
)  # fmt: skip


def entry_record(entry: RosterEntry) -> Record:
    return Record(
        given=entry.given_name,
        family=entry.family_name,
        father=entry.father_name,
        native=entry.native_name,
        birth_year=entry.birth_year,
        role=entry.role,
        start=entry.start,
        end=entry.end,
        badge=entry.badge_number,
        ref=str(entry.public_id),
    )


def claim_record(employment: Employment, person: Person | None) -> Record:
    """The claim: the employment as claimed, by the person who claims it (the principal when the claim
    names nobody)."""
    person = person or Person()
    return Record(
        given=person.given_name,
        family=person.family_name,
        father=person.father_name,
        native=person.native_name,
        birth_year=person.birth_year,
        role=employment.role,
        start=employment.start,
        end=employment.end,
        badge=employment.badge_number,
        ref=str(employment.public_id),
    )


def entry_keys(entry: RosterEntry) -> list[str]:
    record = entry_record(entry)
    return sorted(blocking_keys(record) | value_keys(record))


def write_keys(entries: list[RosterEntry]) -> int:
    """Store the entries' keys (after deleting any they had). About ten rows an entry: written with one
    parameterised INSERT per batch rather than through model instances, which cost three times as much."""
    RosterKey.objects.filter(entry__in=[e.pk for e in entries]).delete()
    rows = [(entry.pk, entry.employer_id, key) for entry in entries for key in entry_keys(entry)]
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO rosters_rosterkey (entry_id, employer_id, key) VALUES (%s, %s, %s)", rows
        )
    return len(rows)
