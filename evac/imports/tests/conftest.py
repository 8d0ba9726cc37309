"""Building partner files in the tests, and importing them the way the command does."""

import csv
import io

import pytest

from evac.cases.models import Application
from evac.imports.models import ImportJob
from evac.imports.services import run_import

HEADER = (
    "application_ref", "person_ref", "relationship", "given_name", "family_name", "father_name",
    "native_name", "sex", "birth_date", "phone", "email", "province", "employer", "role",
)  # fmt: skip

# Two families: a principal with a spouse and a child, and a principal alone.
ROWS = [
    ("A-001", "A-001-01", "self", "Mohammad Wali", "Ahmadzai", "Gul Ahmad", "محمد ولی", "M", "1365",
     "0799 123 456", "wali@example.org", "Kaboul", "Canada Armed Forces", "interprète"),
    ("A-001", "A-001-02", "épouse", "Fatima", "", "Abdul Rahman", "", "F", "1990-03-04", "", "", "", "", ""),
    ("A-001", "A-001-03", "fils", "Ahmad", "Ahmadzai", "Mohammad Wali", "", "M", "12/06/2012", "", "", "", "", ""),
    ("A-002", "A-002-01", "self", "Gul", "", "Sayed Jan", "گل", "H", "1980-01-01", "+93 70 000 0001", "",
     "Hérat", "Embassy of Nowhere", "chauffeur"),
]  # fmt: skip


def table(rows=ROWS, header=HEADER, *, delimiter=",", encoding="utf-8", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    text = out.getvalue()
    data = text.encode(encoding)
    if bom and encoding == "utf-8":
        data = b"\xef\xbb\xbf" + data
    return data


def import_bytes(content: bytes, organisation, *, dry_run=False, batch_size=1000, progress=None, user=None):
    job = ImportJob(
        organisation=organisation,
        program=organisation.programs.first(),
        filename="partner.csv",
        dry_run=dry_run,
        uploaded_by=user,
    )
    return run_import(job, content=content, batch_size=batch_size, progress=progress)


def snapshot(organisation) -> set:
    """What an import puts in the database, without ids, references or times: equal for equal data."""
    result = set()
    for case in Application.objects.filter(organisation=organisation).prefetch_related(
        "people", "employments"
    ):
        people = frozenset(
            (
                p.source_ref, p.relationship, p.given_name, p.family_name, p.father_name, p.native_name,
                p.sex, p.birth_year, p.birth_month, p.birth_day, p.phone, p.email, p.tazkira_number, p.position,
            )
            for p in case.people.all()
        )  # fmt: skip
        jobs = frozenset(
            (e.employer_name, e.role, e.role_as_written, e.start, e.end) for e in case.employments.all()
        )
        result.add(
            (
                case.source_ref, case.province_id, case.province_as_written, case.district, case.family_size,
                case.principal_name, case.search_text, tuple(case.review_flags), people, jobs,
                case.status_changes.count(),
            )
        )  # fmt: skip
    return result


@pytest.fixture
def import_file():
    return import_bytes
