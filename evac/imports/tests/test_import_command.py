"""The import_applications command: its output, its report, its refusals, and surviving kill -9."""

import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from evac.cases.models import Application
from evac.demo.generator import generate, write_csv
from evac.imports.models import ImportJob

from .conftest import ROWS, table

EVAC = str(Path(sys.executable).with_name("evac"))


@pytest.fixture
def partner_file(tmp_path):
    path = tmp_path / "partner.csv"
    path.write_bytes(table([*ROWS, ("Z-9", "Z-9-1", "self", "", *[""] * 10)]))
    return path


@pytest.mark.django_db
def test_json_prints_exactly_the_summary_object_and_nothing_else(canada, partner_file, capsys):
    call_command("import_applications", str(partner_file), org="canada", program="canada-program", json=True)
    out = capsys.readouterr().out
    assert json.loads(out) == {
        "applications": {"created": 2, "updated": 0, "unchanged": 0},
        "persons": {"created": 4, "updated": 0, "unchanged": 0},
        "rows_rejected": 1,
    }
    assert out.count("\n") <= 1
    job = ImportJob.objects.get()
    assert job.status == "done" and job.content == b"" and job.rows_rejected == 1 and job.uploaded_by is None


@pytest.mark.django_db
def test_the_report_lists_rejected_rows_and_the_human_summary_counts(canada, partner_file, tmp_path, capsys):
    report = tmp_path / "errors.csv"
    call_command(
        "import_applications", str(partner_file), org="canada", program="canada-program", report=str(report)
    )
    out = capsys.readouterr().out
    assert "2 created, 0 updated, 0 unchanged" in out and "rows rejected: 1" in out
    with report.open(encoding="utf-8") as f:
        assert list(csv.reader(f)) == [
            ["line", "column", "reason"],
            ["6", "given_name", "no name in any script"],
        ]


@pytest.mark.django_db
def test_a_dry_run_from_the_command_leaves_no_trace(canada, partner_file, capsys):
    call_command(
        "import_applications",
        str(partner_file),
        org="canada",
        program="canada-program",
        dry_run=True,
        json=True,
    )
    assert json.loads(capsys.readouterr().out)["applications"]["created"] == 2
    assert not Application.objects.exists() and not ImportJob.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"org": "nowhere", "program": "canada-program"}, "No organisation"),
        ({"org": "canada", "program": "nothing"}, "No program"),
        ({"org": "uk", "program": "canada-program"}, "No program"),
    ],
)
def test_it_refuses_an_unknown_organisation_or_program(canada, uk, partner_file, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_applications", str(partner_file), **options)


@pytest.mark.django_db
def test_it_refuses_an_unreadable_file_with_a_clear_message(canada, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command(
            "import_applications", str(tmp_path / "missing.csv"), org="canada", program="canada-program"
        )
    pdf = tmp_path / "scan.pdf"
    pdf.write_bytes(b"%PDF-1.4 \x00\x01")
    with pytest.raises(CommandError, match="not a spreadsheet"):
        call_command("import_applications", str(pdf), org="canada", program="canada-program")
    assert ImportJob.objects.get().status == "failed"


def _snapshot(database: Path) -> set:
    # Phones are sealed under each database's own key: compare that one is there, and sealed ("ev1.").
    with sqlite3.connect(database) as db:
        return set(
            db.execute(
                "SELECT a.source_ref, p.source_ref, p.given_name, p.family_name, p.native_name, p.birth_year,"
                " p.birth_month, p.birth_day, p.phone <> '', substr(p.phone, 1, 4), a.family_size, a.principal_name"
                " FROM cases_application a JOIN cases_person p ON p.application_id = a.id"
            )
        )


def _count(database: Path) -> int:
    with sqlite3.connect(database, timeout=5) as db:
        return db.execute("SELECT count(*) FROM cases_application").fetchone()[0]


def _evac(var: Path, *args: str, **kwargs) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(EVAC_VAR_DIR=str(var), EVAC_DEBUG="1")
    # Our own console script, with arguments the test builds.
    return subprocess.Popen(  # noqa: S603
        [EVAC, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs
    )


def test_kill_9_half_way_then_a_rerun_ends_with_the_data_of_one_clean_run(tmp_path):
    """A real kill -9 of the command, on a file-based SQLite database (about 15 s: migrating is most)."""
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    killed.mkdir()
    setup = "from evac.conftest import make_org; make_org('canada')"
    assert _evac(killed, "migrate", "-v0").wait(timeout=120) == 0
    assert _evac(killed, "shell", "-c", setup).wait(timeout=60) == 0
    shutil.copytree(killed, clean)
    path = tmp_path / "apps.csv"
    with path.open("w", encoding="utf-8") as out:
        write_csv(generate(1500, seed=11), out)
    command = ("import_applications", str(path), "--org", "canada", "--program", "canada-program")
    database = killed / "evac.sqlite3"

    process = _evac(killed, *command, "--batch-size", "100")
    deadline = time.monotonic() + 60
    while _count(database) < 300 and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    partial = _count(database)
    assert 0 < partial < 1500, "the import should have been killed half way"

    rerun = _evac(killed, *command, "--json")
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    summary = json.loads(out)
    assert summary["applications"]["created"] + summary["applications"]["unchanged"] == 1500
    assert summary["applications"]["unchanged"] >= partial

    once = _evac(clean, *command, "--json")
    assert once.wait(timeout=120) == 0
    assert _count(database) == 1500
    assert _snapshot(database) == _snapshot(clean / "evac.sqlite3")
