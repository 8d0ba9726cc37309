"""Writing an export as CSV or XLSX, a chunk at a time, in memory only: an export is personal data and
must not leave a copy on the server's disk, not even a temporary one.

Both formats guard against formula injection: a cell starting with = + - @, a tab or a carriage return
would be run as a formula by Excel (=HYPERLINK(...) sending the row to a stranger), so it gets a leading
single quote and is shown as the text it is.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

Cell = str | int
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_TITLE = "export"
# Rows written between two looks at what the compressor has let out.
FLUSH_EVERY = 200


def guard(value: Cell) -> Cell:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Sink(io.RawIOBase):
    """A write-only stream whose bytes are taken away as they come: the response, not a file."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[bytes]:
    """UTF-8 with a byte order mark, so that Excel reads Dari and Pashto names as written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([guard(cell) for cell in header])
    for count, row in enumerate(rows, 1):
        writer.writerow([guard(cell) for cell in row])
        if count % FLUSH_EVERY == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _xlsx_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        # XML cannot hold most control characters: openpyxl would refuse the whole file for one.
        return guard(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


class _SheetAlreadyWritten(ExcelWriter):
    """openpyxl's writer for everything but the worksheet, which xlsx_chunks has streamed already."""

    def write_worksheet(self, ws) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._rels = ws._writer._rels
        self.manifest.append(ws)


def xlsx_chunks(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[bytes]:
    """A workbook with exactly one visible sheet: no hidden sheet, row or column, no defined name, no
    formula. Strings are written inline, so the sheet's part holds nothing but the rows asked for.

    openpyxl's write-only mode would spool the sheet to a temporary file before zipping it; here its
    sheet writer writes straight into the zip entry instead, and the zip into the response. This leans on
    two private names of openpyxl (WriteOnlyWorksheet._writer, ExcelWriter.write_worksheet), pinned in
    pyproject.toml and covered by the tests.
    """
    sink = _Sink()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet._id = 1  # the part's name (xl/worksheets/sheet1.xml); openpyxl sets it only when saving
    archive = ZipFile(sink, "w", ZIP_DEFLATED)
    with archive.open(sheet.path[1:], "w") as part:
        sheet._writer = WorksheetWriter(sheet, out=part)
        sheet._writer.write_top()
        sheet.append([_xlsx_cell(cell) for cell in header])
        for count, row in enumerate(rows, 1):
            sheet.append([_xlsx_cell(cell) for cell in row])
            if count % FLUSH_EVERY == 0 and (chunk := sink.take()):
                yield chunk
        sheet.close()
    _SheetAlreadyWritten(workbook, archive).save()
    yield sink.take()
