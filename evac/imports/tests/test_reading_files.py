"""Real partner files: every encoding and separator Excel writes, XLSX, and files that are not sheets."""

import io
from datetime import datetime

import openpyxl
import pytest

from evac.cases.models import Application, Person
from evac.imports.reading import ReadError, decode, open_sheet

from .conftest import HEADER, ROWS, table

FRENCH_HEADER = (
    "Dossier", "Réf. personne", "Lien de parenté", "Prénom", "Nom", "Nom du père", "Sexe",
    "Date de naissance", "Téléphone", "Courriel", "Province", "Employeur", "Poste",
)  # fmt: skip


def imported_names() -> set[str]:
    return set(Person.objects.values_list("given_name", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter"),
    [("utf-8", False, ","), ("utf-8", True, ","), ("utf-8", True, ";"), ("utf-8", False, "\t")],
)
def test_it_reads_utf8_with_or_without_a_bom_and_any_separator(canada, import_file, encoding, bom, delimiter):
    summary = import_file(table(encoding=encoding, bom=bom, delimiter=delimiter), canada)
    assert summary.as_json()["applications"]["created"] == 2
    assert summary.rows_rejected == 0
    assert Person.objects.get(source_ref="A-001-01").native_name == "محمد ولی"


@pytest.mark.django_db
def test_it_reads_lines_ended_by_a_lone_carriage_return(canada, import_file):
    # Old Mac Excel "CSV (Macintosh)": CR alone ends a line. It made the CSV reader raise (a 500 on upload).
    content = table().replace(b"\r\n", b"\r")
    summary = import_file(content, canada)
    assert summary.as_json()["persons"]["created"] == 4
    assert summary.rows_rejected == 0


@pytest.mark.django_db
def test_it_reads_excel_unicode_text_utf16_tab_separated(canada, import_file):
    # Excel's "Unicode text": UTF-16 little-endian with a BOM, tabs between cells, CRLF lines.
    text = table(delimiter="\t").decode("utf-8")
    content = text.encode("utf-16")
    assert content[:2] == b"\xff\xfe"
    summary = import_file(content, canada)
    assert summary.as_json()["persons"]["created"] == 4
    assert Person.objects.get(source_ref="A-002-01").native_name == "گل"


@pytest.mark.django_db
def test_it_reads_arabic_windows_cp1256_with_dari_names(canada, import_file):
    # Typed on an Arabic Windows keyboard: Arabic yeh (ي), and the Persian letters cp1256 has (گ پ چ ک).
    rows = [
        ("K-1", "K-1-1", "self", "", "", "", "گل احمد كريمي", "M", "1360", "", "", "کابل", "", ""),
        ("K-1", "K-1-2", "spouse", "", "", "", "پروين", "F", "1365/05/12", "", "", "", "", ""),
        ("K-1", "K-1-3", "child", "", "", "", "چمن گل", "F", "1390", "", "", "", "", ""),
    ]
    content = table(rows, encoding="cp1256")
    assert decode(content)[1] == "cp1256"
    summary = import_file(content, canada)
    assert summary.rows_rejected == 0, summary.errors
    case = Application.objects.get(source_ref="K-1")
    assert case.province_id == "AF-KAB"
    assert set(case.people.values_list("native_name", flat=True)) == {"گل احمد كريمي", "پروين", "چمن گل"}
    spouse = case.people.get(source_ref="K-1-2")
    assert (spouse.birth_year, spouse.birth_month, spouse.birth_day) == (1986, 8, 3)


@pytest.mark.django_db
def test_it_reads_a_french_excel_cp1252_semicolon_file(canada, import_file):
    rows = [
        ("F-7", "F-7-1", "Demandeur principal", "Mohamed Wali", "Ahmadzaï", "Gul Ahmad", "H", "01/02/1984",
         "0799 123 456", "wali@example.fr", "Hérat", "Canada Armed Forces", "Interprète"),
        ("F-7", "F-7-2", "Épouse", "Hélène", "", "Abdul Rahmane", "F", "1988", "", "", "", "", ""),
        ("F-7", "F-7-3", "Fille", "Zoé", "Ahmadzaï", "Mohamed Wali", "F", "2015-06", "", "", "", "", ""),
    ]  # fmt: skip
    content = table(rows, FRENCH_HEADER, delimiter=";", encoding="cp1252")
    assert decode(content)[1] == "cp1252"
    summary = import_file(content, canada)
    assert summary.rows_rejected == 0, summary.errors
    case = Application.objects.get(source_ref="F-7")
    assert case.province_id == "AF-HER"
    assert imported_names() == {"Mohamed Wali", "Hélène", "Zoé"}
    principal = case.people.get(relationship="self")
    assert principal.family_name == "Ahmadzaï" and principal.phone == "+93799123456"
    assert (principal.birth_year, principal.birth_month, principal.birth_day) == (1984, 2, 1)
    job = case.employments.get()
    assert job.role == "interpreter" and job.employer.name == "Canada Armed Forces"


@pytest.mark.django_db
def test_it_reads_xlsx_with_numbers_and_dates_in_cells(canada, import_file):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["First name", "Surname", "Father name", "Relationship", "Application ref", "DOB", "Mobile"])
    sheet.append(["Wali", "Ahmadzai", "Gul", "Principal", "X-1", 1987, 799123456])
    sheet.append(["Fatima", None, "Rahman", "Wife", "X-1", datetime(1990, 3, 4), None])  # noqa: DTZ001 - Excel has no zones
    sheet.append([None, None, None, None, None, None, None])  # a blank row in the middle
    sheet.append(["Ahmad", None, "Wali", "Son", "X-1", "1391", None])
    out = io.BytesIO()
    workbook.save(out)
    summary = import_file(out.getvalue(), canada)
    assert summary.rows_rejected == 0, summary.errors
    people = {p.given_name: p for p in Person.objects.all()}
    assert (people["Wali"].birth_year, people["Wali"].birth_month) == (1987, None)
    assert people["Wali"].phone == "+93799123456"
    assert (people["Fatima"].birth_year, people["Fatima"].birth_month, people["Fatima"].birth_day) == (
        1990,
        3,
        4,
    )
    assert people["Ahmad"].birth_year == 2012 and people["Ahmad"].relationship == "child"


@pytest.mark.django_db
def test_line_numbers_count_header_title_rows_and_cells_spanning_lines(canada, import_file):
    text = (
        "Liste des familles - août 2021\r\n"
        "\r\n"
        + table().decode()
        + 'A-003,A-003-01,self,"Two\r\nlines",,,,,,,,,,\r\n'
        + "A-004,A-004-01,cousin,Nobody,,,,,,,,,,\r\n"
    )
    summary = import_file(text.encode(), canada)
    assert [(e.line, e.column) for e in summary.errors] == [(10, "relationship")]
    assert summary.as_json()["applications"]["created"] == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \r\n", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", "not a spreadsheet"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel"),
        (b"PK\x03\x04 not really a workbook", "not a spreadsheet"),
        (b"name,phone\nWali,0799123456\n", "lacks required columns: application_ref, relationship"),
        (b"application_ref,relationship,phone\nA,self,1\n", "given_name / native_name"),
    ],
)
def test_it_refuses_what_is_not_a_usable_spreadsheet_with_a_clear_message(content, message):
    with pytest.raises(ReadError, match=message):
        open_sheet(content)


def test_french_and_english_header_variants_map_to_the_interchange_columns():
    header = (
        "N° dossier;Prénom;NOM;Nom du père;date de naissance;Téléphone;Courriel;Lien de parenté;Sexe;"
        "Surname;e-mail"
    )
    sheet = open_sheet((header + "\n").encode("utf-8"))
    assert sheet.delimiter == ";"
    assert sheet.columns == {
        "application_ref": "N° dossier",
        "given_name": "Prénom",
        "family_name": "NOM",
        "father_name": "Nom du père",
        "birth_date": "date de naissance",
        "phone": "Téléphone",
        "email": "Courriel",
        "relationship": "Lien de parenté",
        "sex": "Sexe",
    }
    assert sheet.ignored == ["Surname", "e-mail"]  # the first column of a meaning wins


def test_a_french_cp1252_file_with_capital_accents_is_not_taken_for_arabic():
    text = "dossier;prénom;lien\r\nA;ÉLODIE;Épouse\r\nB;Noël;Fils\r\nC;Ørjan;self\r\n"
    assert decode(text.encode("cp1252")) == (text, "cp1252")
    assert HEADER[0] == "application_ref" and len(ROWS) == 4
