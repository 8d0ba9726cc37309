"""Reading partner spreadsheets as they really arrive: CSV in whatever encoding and separator the
partner's Excel chose, or XLSX, with headers in English or French.

`open_sheet(content, layout)` returns a Sheet whose `rows()` yields (line number, {canonical column: text})
and can be walked more than once (the import walks it twice: once to learn where each family ends, once to
import). Anything that is not a usable spreadsheet raises ReadError with a message for the user.

A Layout says what kind of sheet is expected: its columns with the headers that mean them, the columns it
cannot do without, and its name columns (one of which is needed). The application import's is APPLICATIONS,
the default; employers' rosters have their own (evac.rosters.rows.ROSTER).
"""

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from evac.core.text import fold

REQUIRED = ("application_ref", "relationship")
NAME_COLUMNS = ("given_name", "native_name", "family_name")
DELIMITERS = ",;\t"

# Folded header (see header_key) -> interchange column. English first, then French. "nom" alone is the
# family name in French; "name" alone is taken as the whole name, written into the given name.
_ALIASES: dict[str, tuple[str, ...]] = {
    "application_ref": (
        "application ref", "application reference", "application id", "application number", "app ref",
        "case ref", "case reference", "case id", "family ref", "family id", "reference", "ref",
        "dossier", "numero de dossier", "n dossier", "no dossier", "reference dossier",
        "reference du dossier", "ref dossier", "reference famille", "numero famille", "id famille",
    ),
    "person_ref": (
        "person ref", "person reference", "person id", "member id", "member ref", "individual id",
        "reference personne", "ref personne", "id personne", "numero personne", "identifiant personne",
    ),
    "relationship": (
        "relationship", "relation", "relationship to principal", "relationship to applicant", "lien",
        "lien de parente", "parente", "lien avec le demandeur", "lien familial",
    ),
    "given_name": (
        "given name", "given names", "first name", "first names", "firstname", "forename", "name",
        "full name", "prenom", "prenoms", "nom complet",
    ),
    "family_name": ("family name", "surname", "last name", "lastname", "nom", "nom de famille"),
    "father_name": (
        "father name", "father s name", "fathers name", "father", "nom du pere", "nom de pere", "pere",
    ),
    "grandfather_name": (
        "grandfather name", "grandfather s name", "grandfathers name", "grandfather",
        "nom du grand pere", "grand pere",
    ),
    "native_name": (
        "native name", "name in dari", "name in pashto", "dari name", "pashto name", "local name",
        "arabic script name", "name perso arabic", "nom en dari", "nom en pachto", "nom en persan",
        "nom natif", "nom en ecriture arabe",
    ),
    "sex": ("sex", "gender", "sexe", "genre"),
    "birth_date": (
        "birth date", "date of birth", "dob", "birthdate", "born", "birth year", "year of birth",
        "date de naissance", "naissance", "ne le", "annee de naissance",
    ),
    "phone": (
        "phone", "phone number", "telephone", "telephone number", "tel", "mobile", "mobile number",
        "mobile phone", "cell", "cell phone", "cellphone", "whatsapp", "numero de telephone",
        "portable", "telephone portable",
    ),
    "email": (
        "email", "e mail", "email address", "e mail address", "mail", "courriel", "adresse courriel",
        "adresse e mail", "adresse email", "adresse electronique",
    ),
    "tazkira_number": (
        "tazkira", "tazkira number", "tazkira no", "tazkira id", "tazkera", "taskera", "national id",
        "nid", "numero de tazkira", "numero tazkira", "carte d identite", "numero de carte d identite",
    ),
    "passport_number": (
        "passport", "passport number", "passport no", "passeport", "numero de passeport",
        "numero passeport",
    ),
    "nationality": ("nationality", "citizenship", "nationalite"),
    "province": ("province", "current province", "province actuelle", "wilayat"),
    "district": ("district", "current district", "district actuel", "woluswali"),
    "address": (
        "address", "current address", "home address", "street address", "adresse", "adresse actuelle",
        "adresse postale", "domicile",
    ),
    "employer": ("employer", "employer name", "worked for", "employeur", "nom de l employeur"),
    "role": (
        "role", "job", "job title", "position", "occupation", "poste", "fonction", "emploi", "metier",
    ),
    "employment_start": (
        "employment start", "start date", "start", "employed from", "from", "date de debut", "debut",
        "debut d emploi", "debut de l emploi", "date d embauche",
    ),
    "employment_end": (
        "employment end", "end date", "end", "employed until", "until", "date de fin", "fin",
        "fin d emploi", "fin de l emploi",
    ),
    "medical_needs": (
        "medical needs", "medical", "medical condition", "health", "besoins medicaux", "sante",
        "besoins medicaux particuliers",
    ),
    # The number on the staff badge or in the employer's list: what a roster is keyed by.
    "badge_number": (
        "badge", "badge no", "badge number", "badge id", "employee id", "employee number", "employee no",
        "staff id", "staff number", "staff no", "service number", "service no", "personnel number",
        "matricule", "numero de matricule", "n matricule", "numero de badge", "badge numero",
        "numero d employe", "numero employe", "identifiant employe",
    ),
}  # fmt: skip
_NOT_WORD = re.compile(r"[^\w ]+")


def header_key(text: str) -> str:
    """Fold a header so that "Nom du père", "NOM_DU_PERE" and "nom du pere :" compare equal."""
    return " ".join(_NOT_WORD.sub(" ", fold(text)).split())


@dataclass(frozen=True)
class Layout:
    """What a kind of spreadsheet holds. `headers`: folded header (header_key) -> column; `required`: the
    columns a file cannot do without; `names`: the name columns, at least one of which it needs."""

    headers: dict[str, str]
    required: tuple[str, ...]
    names: tuple[str, ...]

    @classmethod
    def of(
        cls, aliases: dict[str, tuple[str, ...]], required: tuple[str, ...], names: tuple[str, ...]
    ) -> "Layout":
        """A layout from each column's other names: the column's own name is always one of them."""
        headers: dict[str, str] = {}
        for column, others in aliases.items():
            for name in (column, *others):
                headers.setdefault(header_key(name), column)
        return cls(headers, required, names)


def aliases_of(*columns: str) -> dict[str, tuple[str, ...]]:
    """The application import's other names for these columns, for a layout that shares them."""
    return {column: _ALIASES[column] for column in columns}


APPLICATIONS = Layout.of(_ALIASES, REQUIRED, NAME_COLUMNS)
HEADERS = APPLICATIONS.headers


class ReadError(Exception):
    """The file as a whole cannot be imported; the message says why, for the person who sent it."""


@dataclass
class Sheet:
    """A readable spreadsheet: its header mapped to interchange columns, and its data rows."""

    columns: dict[str, str]  # interchange column -> the header as written in the file
    header_line: int
    ignored: list[str] = field(default_factory=list)  # headers that mean nothing to evac
    encoding: str = ""
    delimiter: str = ""
    _text: str = ""
    _xlsx: bytes = b""
    _indexes: dict[str, int] = field(default_factory=dict)

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        """(line number, {column: stripped text}) for every non-blank row below the header."""
        indexes = self._indexes
        for line, cells in _raw_rows(self._text, self._xlsx, self.delimiter):
            if line <= self.header_line or not any(cells):
                continue
            width = len(cells)
            yield line, {name: cells[i].strip() if i < width else "" for name, i in indexes.items()}


def open_sheet(content: bytes, layout: Layout = APPLICATIONS) -> Sheet:
    """Sniff what the bytes are and find the header row of a sheet in this layout. Raises ReadError."""
    if not content.strip():
        raise ReadError(_("The file is empty."))
    xlsx = b""
    text = encoding = delimiter = ""
    if content.startswith(b"PK\x03\x04"):
        xlsx, encoding = content, "xlsx"
    elif content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(_("This is an old Excel (.xls) file: save it as .xlsx or as CSV and try again."))
    else:
        text, encoding = decode(content)
        delimiter = sniff_delimiter(text)
    # Some sheets carry a title or a note above the header: take the first of the first rows that has
    # the required columns.
    best: tuple[int, list[str]] | None = None
    for line, cells in _raw_rows(text, xlsx, delimiter):
        if not any(cells):
            continue
        best = best or (line, cells)
        if _has_required(_map_header(cells, layout)[0], layout):
            best = (line, cells)
            break
        if line > 20:
            break
    if best is None:
        raise ReadError(_("The file has no rows."))
    header_line, header = best
    indexes, ignored = _map_header(header, layout)
    missing = [c for c in layout.required if c not in indexes]
    if not any(c in indexes for c in layout.names):
        missing.append(" / ".join(c for c in layout.names if c != "family_name"))
    if missing:
        raise ReadError(
            _("The file lacks required columns: {columns}. Found: {found}.").format(
                columns=", ".join(missing), found=", ".join(h for h in header if h) or "-"
            )
        )
    columns = {name: header[i].strip() for name, i in indexes.items()}
    return Sheet(columns, header_line, ignored, encoding, delimiter, text, xlsx, indexes)


def _has_required(indexes: dict[str, int], layout: Layout) -> bool:
    return all(c in indexes for c in layout.required)


def _map_header(header: list[str], layout: Layout) -> tuple[dict[str, int], list[str]]:
    indexes: dict[str, int] = {}
    ignored = []
    for i, name in enumerate(header):
        column = layout.headers.get(header_key(name))
        # The first column of a meaning wins ("phone" before a second "mobile").
        if column is None or column in indexes:
            if name.strip():
                ignored.append(name.strip())
            continue
        indexes[column] = i
    return indexes, ignored


def _raw_rows(text: str, xlsx: bytes, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    if xlsx:
        yield from _xlsx_rows(xlsx)
        return
    # newline="": the csv module's own line handling, so a lone carriage return (old Mac Excel) ends a line
    # instead of raising.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for cells in reader:
            yield line, cells
            # A quoted cell may span lines: the next row starts after the last line this one used.
            line = reader.line_num + 1
    except csv.Error as error:
        raise ReadError(
            _("The file cannot be read as a table after line {line}: {error}").format(line=line, error=error)
        ) from error


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl  # only XLSX needs it, and it is slow to import

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # a zip that is not a workbook (.docx, .ods...) fails in many ways
        raise ReadError(
            _("This file is not a spreadsheet evac can read: save it as .xlsx or CSV.")
        ) from error
    try:
        sheet = workbook.worksheets[0]
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield line, [_cell_text(v) for v in values]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        # Excel stores 1987 and 0799123456 as numbers: 1987.0 must read as 1987.
        return str(int(value))
    return str(value)


# -- decoding ---------------------------------------------------------------------------------------

_ARABIC_LETTER = re.compile(r"[\u0621-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u0671-\u06d3]")
_LATIN_LETTER = re.compile(r"[A-Za-z]")
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


def decode(content: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was read with.

    In order: a byte-order mark (UTF-8, UTF-16 LE/BE: Excel's "Unicode text"); UTF-16 without a mark,
    told by its zero bytes; strict UTF-8; else one of the two Windows code pages partners' Excel uses,
    cp1256 (Arabic Windows, for Dari and Pashto names) or cp1252 (Western Europe, French). Every byte
    is a letter in both, so the choice is a judgement: see _looks_arabic.
    """
    if content.startswith(_BINARY_MAGIC):
        raise ReadError(_("This file is not a spreadsheet (CSV or XLSX)."))
    if content.startswith(codecs.BOM_UTF8):
        try:
            return content[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            content = content[len(codecs.BOM_UTF8) :]  # a lying mark: judge the bytes themselves
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as error:
            raise ReadError(_("The file says it is UTF-16 but is not.")) from error
    head = content[:4000]
    if b"\x00" in head:
        # Text with no byte-order mark but zero bytes: UTF-16 if they sit every other byte, else binary.
        even, odd = head[0::2].count(0), head[1::2].count(0)
        if odd > len(head) // 4 and even == 0:
            encoding = "utf-16-le"
        elif even > len(head) // 4 and odd == 0:
            encoding = "utf-16-be"
        else:
            raise ReadError(_("This file is not a spreadsheet (CSV or XLSX)."))
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError as error:
            raise ReadError(_("This file is not a spreadsheet (CSV or XLSX).")) from error
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        western = content.decode("cp1252")
    except UnicodeDecodeError:
        # Five bytes are undefined in cp1252 but are Persian letters in cp1256 (پ چ ژ گ...).
        return content.decode("cp1256"), "cp1256"
    arabic = content.decode("cp1256")
    if _looks_arabic(arabic):
        return arabic, "cp1256"
    return western, "cp1252"


def _looks_arabic(text: str) -> bool:
    """Whether text decoded as cp1256 reads as Perso-Arabic words rather than as misread French.

    The two code pages agree on ASCII and on the lower-case French accents (é è à ç ê î ô û ü), and
    differ on the rest of the upper half, where cp1256 has the Arabic letters. Arabic text decoded as
    cp1256 makes whole words of Arabic letters; French text decoded as cp1256 makes stray Arabic
    letters inside Latin words ("Ã‰" for "É" becomes a Latin letter beside ة). So: count words made
    only of Arabic letters against words mixing Arabic and Latin letters, and call it Arabic when the
    pure words win.
    """
    pure = mixed = 0
    for word in text.split():
        if not _ARABIC_LETTER.search(word):
            continue
        if _LATIN_LETTER.search(word):
            mixed += 1
        else:
            pure += 1
    return pure > mixed


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon (French Excel) or tab (Excel's "Unicode text")."""
    sample_lines = text[:20_000].splitlines()[:20]
    sample = "\n".join(sample_lines)
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        delimiter = ""
    header = sample_lines[0] if sample_lines else ""
    counts = {d: header.count(d) for d in DELIMITERS}
    # The sniffer can be fooled by commas inside quoted cells; a header rarely has any, so trust the
    # sniffer only when the header agrees that it splits.
    if delimiter and counts.get(delimiter, 0) > 0:
        return delimiter
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","
