"""Building roster files in the tests, and loading them the way the command does."""

import csv
import io

import pytest

from evac.rosters.importing import execute_roster_import
from evac.rosters.models import Employer, RosterImport

HEADER = (
    "badge_number", "given_name", "family_name", "father_name", "native_name", "birth_date", "role",
    "employment_start", "employment_end",
)  # fmt: skip
ROWS = [
    ("CAF-004211", "Mohammad Wali", "Ahmadzai", "Gul Ahmad", "محمد ولی احمدزی", "1986", "Interpreter", "2008-03", "2013-06-30"),
    ("CAF-004212", "Abdul Rahman", "Ahmadzai", "Gul Ahmad", "", "1983", "Interpreter", "2009-01-15", ""),
    ("CAF-000077", "", "", "عبدالله", "نجیب الله", "1365", "Gardien", "2010", "2014"),
    ("CAF-010001", "Zarghuna", "", "Sayed Jan", "", "", "Cook", "", ""),
]  # fmt: skip


def roster_file(rows=ROWS, header=HEADER, *, delimiter=",", encoding="utf-8", bom=False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = out.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def load(content: bytes, employer: Employer, *, batch_size: int = 1000, user=None):
    """Load a roster file through a job row, as the command does. Returns (job, summary)."""
    job = RosterImport.objects.create(
        organisation=employer.organisation,
        employer=employer,
        filename="roster.csv",
        uploaded_by=user,
        status=RosterImport.State.RUNNING,
    )
    summary = execute_roster_import(job, content=content, batch_size=batch_size)
    return job, summary


@pytest.fixture
def forces(canada):
    return Employer.objects.get(organisation=canada)
