"""Manifests: what they hold, as CSV and PDF, who may take them, what is recorded; and the commands."""

import csv
import io
import os
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from evac.accounts.services import set_may_export
from evac.audit.models import AuditEvent
from evac.cases.models import Person
from evac.flights import manifests, services
from evac.flights.models import AllocationRun, Placement
from evac.flights.tests.helpers import approved, make_flight


@pytest.fixture
def flight(canada):
    flight = make_flight(
        canada,
        seats=10,
        medical_places=1,
        emergency_contact="Emergency Watch and Response Centre +1 613 555 0100",
        destination="Ottawa (YOW)",
    )
    case = approved(
        canada,
        priority=40,
        children=2,
        stretcher=1,
        given_name="Spozhmai",
        family_name="Karokhail",
        native_name="سپوږمۍ کروخیل",
    )
    principal = case.people.get(relationship="self")
    principal.passport_number = "P01234567"
    principal.nationality = "AF"
    principal.save()
    # A name that Excel would run as a formula.
    spouse = case.people.get(relationship="spouse")
    spouse.given_name = "=HYPERLINK(1)"
    spouse.save()
    services.allocate_seats(canada, method="greedy", bound=False)
    flight.case = case
    return flight


@pytest.fixture
def exporter(canada, planner):
    set_may_export(canada, planner, True, actor=None)
    client = Client()
    client.force_login(planner)
    return client


def url(flight, org="canada"):
    return reverse("flights:manifest", kwargs={"org": org, "flight_id": flight.public_id})


def read_csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_csv_holds_the_manifest_columns_and_guards_formulas(flight, exporter):
    response = exporter.post(url(flight), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="manifest-20210816-0600-RCH')
    rows = read_csv(b"".join(response.streaming_content))
    assert len(rows) == 4
    required = "flight departure capacity application_reference person_reference relationship given_name family_name native_name birth_year"
    assert set(required.split()) <= set(rows[0])
    principal = next(r for r in rows if r["relationship"] == "self")
    assert principal["given_name"] == "Spozhmai" and principal["native_name"] == "سپوږمۍ کروخیل"
    assert (principal["document_type"], principal["document_number"], principal["document_country"]) == (
        "passport",
        "P01234567",
        "AF",
    )
    assert principal["birth_year"] == "1986" and principal["minor"] == "no"
    assert principal["destination"] == "Ottawa (YOW)" and principal["capacity"] == "11"
    assert principal["emergency_contact"].startswith("Emergency Watch")
    children = [r for r in rows if r["relationship"] == "child"]
    assert all(c["minor"] == "yes" and c["travels_with"] == principal["person_reference"] for c in children)
    assert sum(1 for c in children if c["medical_place"] == "yes") == 1
    spouse = next(r for r in rows if r["relationship"] == "spouse")
    assert spouse["given_name"] == "'=HYPERLINK(1)"
    event = AuditEvent.objects.get(action="flight.manifest")
    assert event.detail["format"] == "csv" and event.detail["row_count"] == 4
    assert event.detail["references"] == [flight.case.reference]
    assert "Spozhmai" not in str(event.detail)


def arabic_forms(name: str) -> set[str]:
    # The PDF lays a right-to-left name out left to right, word by word, after shaping: text extraction
    # gives it back in logical order or letter by letter reversed within each word.
    return {name, " ".join(w[::-1] for w in name.split()), name[::-1]}


def test_the_pdf_opens_and_holds_the_names_in_both_scripts(flight, exporter):
    response = exporter.post(url(flight), {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Spozhmai Karokhail" in text and "Child0" in text
    assert any(form in text for form in arabic_forms("سپوږمۍ کروخیل")), text
    assert "P01234567" in text and "Emergency Watch" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Naskh" in name for name in fonts) and any("Vera" in name for name in fonts), fonts
    assert AuditEvent.objects.get(action="flight.manifest").detail["format"] == "pdf"


def test_a_long_flight_runs_over_several_pages(canada, exporter):
    flight = make_flight(canada, seats=200)
    for _ in range(12):
        approved(canada, children=6)
    services.allocate_seats(canada, method="greedy", bound=False)
    response = exporter.post(url(flight), {"format": "pdf"})
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 2
    assert "Page 2" in reader.pages[1].extract_text()


def test_manifests_need_the_export_grant_and_the_planners_role(flight, canada, planner, officer):
    client = Client()
    client.force_login(planner)
    assert client.post(url(flight), {"format": "csv"}).status_code == 403  # no grant
    set_may_export(canada, officer, True, actor=None)
    client.force_login(officer)
    assert client.post(url(flight), {"format": "csv"}).status_code == 403  # the grant, not the role
    assert not AuditEvent.objects.filter(action="flight.manifest").exists()


def test_a_manifest_is_never_fetched_by_a_link(flight, exporter, outsider):
    assert exporter.get(url(flight)).status_code == 405
    client = Client()
    client.force_login(outsider)
    assert client.post(url(flight, org="uk"), {"format": "csv"}).status_code == 404


def test_minors_are_counted_from_the_youngest_age_their_birth_date_allows(flight):
    on = flight.departs_at.date()  # 16 August 2021
    person = Person(birth_year=2003)
    assert manifests.youngest_age(person, on) == 17  # born in 2003: 17 until their birthday
    assert manifests.youngest_age(Person(birth_year=2003, birth_month=3), on) == 18
    assert manifests.youngest_age(Person(birth_year=2003, birth_month=8), on) == 17
    assert manifests.youngest_age(Person(birth_year=2003, birth_month=8, birth_day=16), on) == 18
    assert manifests.youngest_age(Person(), on) is None


def test_export_manifests_writes_one_csv_per_flight(flight, canada, tmp_path):
    empty = make_flight(canada, seats=5, hours=30)
    out = io.StringIO()
    call_command("export_manifests", org="canada", out=str(tmp_path / "m"), stdout=out)
    files = sorted(Path(tmp_path / "m").iterdir())
    assert len(files) == 2
    assert {f.name for f in files} == {manifests.file_name(flight, "csv"), manifests.file_name(empty, "csv")}
    rows = read_csv(Path(tmp_path / "m" / manifests.file_name(flight, "csv")).read_bytes())
    assert [r["application_reference"] for r in rows] == [flight.case.reference] * 4
    assert oct(os.stat(files[0]).st_mode & 0o777) == "0o600"
    assert read_csv(Path(tmp_path / "m" / manifests.file_name(empty, "csv")).read_bytes()) == []
    assert "2 manifests written" in out.getvalue()
    assert AuditEvent.objects.filter(action="flight.manifest", detail__channel="command").count() == 2


def test_export_manifests_refuses_an_unknown_organisation(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("export_manifests", org="nowhere", out=str(tmp_path))


def test_allocate_seats_prints_what_it_placed_the_objective_the_bound_and_the_gap(canada, planner):
    make_flight(canada, seats=8)
    make_flight(canada, seats=8, hours=12)
    for priority in (40, 30, 20, 10, 5):
        approved(canada, priority=priority)
    out = io.StringIO()
    call_command("allocate_seats", org="canada", by=planner.username, seconds=20, stdout=out)
    text = out.getvalue()
    run = AllocationRun.objects.get()
    assert "families placed: 4" in text and "people placed:   16" in text
    assert f"objective: {run.objective:,.1f}" in text
    assert f"LP bound:  {run.lp_bound:,.1f}" in text and "gap:" in text and "%" in text
    assert run.requested_by == planner and Placement.objects.count() == 4


def test_allocate_seats_refuses_someone_who_is_not_a_planner(canada, officer):
    with pytest.raises(CommandError, match="not a flight planner"):
        call_command("allocate_seats", org="canada", by=officer.username)
    with pytest.raises(CommandError, match="no organisation"):
        call_command("allocate_seats", org="nowhere")
