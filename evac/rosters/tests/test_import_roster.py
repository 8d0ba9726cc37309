"""Loading employers' rosters: encodings and headers as they arrive, bad rows, re-imports, the command."""

import io
import json
from datetime import date

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from evac.audit.models import AuditEvent
from evac.imports.reading import ReadError, open_sheet
from evac.rosters.models import Employer, RosterEntry, RosterImport, RosterKey
from evac.rosters.rows import ROSTER

from .conftest import HEADER, ROWS, load, roster_file

pytestmark = pytest.mark.django_db


def test_a_roster_is_loaded_with_its_names_dates_roles_and_keys(forces):
    job, summary = load(roster_file(), forces)
    assert summary.as_json() == {"entries": {"created": 4, "updated": 0, "unchanged": 0}, "rows_rejected": 0}
    assert job.status == "done" and job.content == b"" and job.entries_created == 4
    wali = RosterEntry.objects.get(badge_number="CAF-004211")
    assert (wali.given_name, wali.family_name, wali.father_name) == ("Mohammad Wali", "Ahmadzai", "Gul Ahmad")
    assert wali.native_name == "محمد ولی احمدزی" and wali.organisation == forces.organisation
    assert (wali.birth_year, wali.birth_month) == (1986, None)
    assert (wali.role, wali.start, wali.end) == ("interpreter", date(2008, 3, 1), date(2013, 6, 30))
    assert wali.badge_key == "CAF4211" and wali.source == job
    # Perso-Arabic only, a Solar Hijri year, the role in French.
    guard = RosterEntry.objects.get(badge_key="CAF77")
    assert (guard.given_name, guard.native_name, guard.birth_year, guard.role) == (
        "",
        "نجیب الله",
        1986,
        "security_guard",
    )
    # The name keys that let a claim find each entry.
    assert RosterKey.objects.filter(entry=wali, key__startswith="f2:").exists()
    assert RosterKey.objects.filter(entry=guard, key__startswith="v:w:").exists()
    assert set(RosterKey.objects.values_list("employer", flat=True)) == {forces.pk}


def test_bad_rows_are_reported_with_line_column_and_reason_and_the_good_rows_loaded(forces):
    rows = [
        *ROWS,
        ("", "Nobody", "", "", "", "", "", "", ""),  # line 6: no badge
        ("CAF-5", "", "", "Gul", "", "", "", "", ""),  # line 7: no name
        ("CAF-6", "Ahmad", "", "", "", "31/02/1980", "", "", ""),  # line 8: impossible date
        ("CAF-7", "Ahmad", "", "", "", "1985", "", "2030-01-01", ""),  # line 9: in the future
        ("CAF 004211", "Someone", "", "", "", "", "", "", ""),  # line 10: the badge of line 2 again
        ("CAF-8", "A" * 101, "", "", "", "", "", "", ""),  # line 11: too long
        ("CAF-9", "Ahmad", "", "", "", "", "", "2015", "2012"),  # line 12: ends before it starts
        ("CAF-10", "Qasim", "", "", "", "1880", "Mechanic", "", ""),  # line 13: born before 1900
    ]
    job, summary = load(roster_file(rows), forces)
    assert summary.entries["created"] == 4 and summary.rows_rejected == 8
    errors = [(e["line"], e["column"], e["reason"]) for e in job.errors]
    assert errors == [
        (6, "badge_number", "missing: every row needs the person's badge or staff number"),
        (7, "given_name", "no name in any script"),
        (8, "birth_date", "impossible date"),
        (9, "employment_start", "date in the future"),
        (10, "badge_number", "the badge number is already on line 2 of this file"),
        (11, "given_name", "longer than 100 characters"),
        (12, "employment_end", "the end comes before the start"),
        (13, "birth_date", "impossible date"),
    ]
    assert not any("Nobody" in json.dumps(e) or "Qasim" in json.dumps(e) for e in job.errors)


def test_a_roster_sent_again_updates_by_badge_number_and_never_duplicates(forces):
    load(roster_file(), forces)
    _job, again = load(roster_file(), forces)
    assert again.entries == {"created": 0, "updated": 0, "unchanged": 4}
    changed = [list(row) for row in ROWS]
    changed[0][0] = "caf 4211"  # the same badge, written another way
    changed[0][5] = "1987"
    changed.append(("CAF-020000", "Rahmatullah", "", "Habibullah", "", "", "Driver", "", ""))
    job, summary = load(roster_file(changed), forces)
    assert summary.entries == {"created": 1, "updated": 1, "unchanged": 3}
    assert RosterEntry.objects.count() == 5
    wali = RosterEntry.objects.get(badge_key="CAF4211")
    assert (wali.birth_year, wali.badge_number, wali.source) == (1987, "caf 4211", job)
    # The keys were rewritten, not added to.
    assert RosterKey.objects.filter(entry=wali, key__startswith="fy:").count() == len(
        set(RosterKey.objects.filter(entry=wali, key__startswith="fy:").values_list("key", flat=True))
    )
    assert RosterKey.objects.filter(entry=wali, key__endswith="|1987").exists()
    assert not RosterKey.objects.filter(entry=wali, key__endswith="|1986").exists()


def test_a_column_left_out_changes_nothing_on_reimport_and_small_batches_give_the_same(forces):
    load(roster_file(), forces, batch_size=1)
    assert RosterEntry.objects.count() == 4
    narrow = [(row[0], row[1]) for row in ROWS if row[1]]
    _job, summary = load(roster_file(narrow, ("Badge", "Given name")), forces)
    assert summary.entries == {"created": 0, "updated": 0, "unchanged": 3}
    assert RosterEntry.objects.get(badge_key="CAF4211").birth_year == 1986


def test_french_headers_semicolons_and_cp1252(forces):
    header = (
        "Matricule",
        "Prénom",
        "Nom",
        "Nom du père",
        "Date de naissance",
        "Poste",
        "Date de début",
        "Date de fin",
    )
    rows = [
        ("CAF-1", "Mohamed Ouali", "Ahmadzaï", "Goul Ahmad", "12/05/1986", "Interprète", "01/03/2008", "")
    ]
    _job, summary = load(roster_file(rows, header, delimiter=";", encoding="cp1252"), forces)
    assert summary.rows_rejected == 0, summary.errors
    entry = RosterEntry.objects.get()
    assert (entry.given_name, entry.family_name, entry.birth_day, entry.role) == (
        "Mohamed Ouali",
        "Ahmadzaï",
        12,
        "interpreter",
    )


def test_arabic_windows_cp1256_and_utf16(forces):
    rows = [("7", "", "", "گل احمد", "محمد ولي", "1360", "", "", "")]
    for content in (roster_file(rows, encoding="cp1256"), roster_file(rows).decode().encode("utf-16")):
        RosterEntry.objects.all().delete()
        _job, summary = load(content, forces)
        assert summary.rows_rejected == 0, summary.errors
        assert RosterEntry.objects.get().native_name == "محمد ولي"


def test_xlsx_with_a_title_row_and_numbers_in_cells(forces):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Local staff, Kandahar Airfield, 2011"])
    sheet.append(["Employee ID", "First name", "Surname", "DOB"])
    sheet.append([4211, "Wali", "Ahmadzai", 1986])  # a number: Excel drops the leading zeros
    out = io.BytesIO()
    workbook.save(out)
    _job, summary = load(out.getvalue(), forces)
    assert summary.rows_rejected == 0
    assert RosterEntry.objects.get().badge_key == "4211"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"given_name,family_name\nWali,Ahmadzai\n", "lacks required columns: badge_number"),
        (b"badge,phone\n1,0799\n", "given_name / native_name"),
    ],
)
def test_a_file_that_is_no_roster_is_refused_with_a_clear_message(forces, content, message):
    with pytest.raises(ReadError, match=message):
        open_sheet(content, ROSTER)
    job, summary = load(content, forces)
    assert summary is None and job.status == "failed" and message.split(":")[0] in job.failure


def test_the_application_import_keeps_its_own_columns():
    # "Badge" is a roster's key; an application file without a reference is still refused.
    with pytest.raises(ReadError, match="application_ref"):
        open_sheet(b"badge,given_name,relationship\n1,Wali,self\n")


def test_an_import_is_audited_without_names(forces):
    job, _summary = load(roster_file(), forces)
    actions = list(
        AuditEvent.objects.filter(target_ref=str(job.public_id))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["roster.import_start", "roster.import_batch", "roster.import_finish"]
    detail = json.dumps(
        [e.detail for e in AuditEvent.objects.filter(target_ref=str(job.public_id))], ensure_ascii=False
    )
    assert "Wali" not in detail and "CAF-004211" not in detail


def test_the_command_loads_reports_and_says_what_is_wrong(forces, tmp_path, capsys):
    path = tmp_path / "roster.csv"
    path.write_bytes(roster_file([*ROWS, ("", "Nobody", "", "", "", "", "", "", "")]))
    report = tmp_path / "errors.csv"
    call_command(
        "import_roster",
        str(path),
        "--org",
        "canada",
        "--employer",
        "canada armed forces",
        "--json",
        "--report",
        str(report),
    )
    out = json.loads(capsys.readouterr().out)
    assert out == {"entries": {"created": 4, "updated": 0, "unchanged": 0}, "rows_rejected": 1}
    assert report.read_text().splitlines()[1].startswith("6,badge_number,missing")
    assert RosterImport.objects.get().status == "done"
    with pytest.raises(CommandError, match=r"No employer 'Embassy'.*known: 'Canada Armed Forces'"):
        call_command("import_roster", str(path), "--org", "canada", "--employer", "Embassy")
    call_command("import_roster", str(path), "--org", "canada", "--employer", "Embassy", "--create-employer")
    assert Employer.objects.filter(organisation=forces.organisation, name="Embassy").exists()
    assert RosterEntry.objects.filter(employer__name="Embassy").count() == 4
    with pytest.raises(CommandError, match="No organisation"):
        call_command("import_roster", str(path), "--org", "nowhere", "--employer", "Embassy")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"given_name\nWali\n")
    with pytest.raises(CommandError, match="lacks required columns"):
        call_command("import_roster", str(bad), "--org", "canada", "--employer", "Embassy")
    assert HEADER[0] == "badge_number"
