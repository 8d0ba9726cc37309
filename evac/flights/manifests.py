"""A flight's manifest: one row per person placed on it, family by family, as CSV and PDF.

What it holds, and where each piece comes from:
- names in Latin letters and in Perso-Arabic script, father's name, sex, birth date at the precision
  known (a year stays a year). evac records no place of birth (neither the form nor partners' sheets
  carry one), so the manifest has none rather than a column that is always empty;
- the travel document: the passport when there is one, issued (as the best we have) by the person's
  recorded nationality; otherwise the tazkira, issued by Afghanistan (AF);
- medical or mobility needs as written, and whether the person takes a medical (stretcher) place;
- minors (under 18 at departure, counting the youngest age the known birth date allows) and the adult of
  the family they travel with;
- the destination and the emergency contact: the flight's, set by the planner (an operations centre,
  whoever answers for the people on board). Never a relative left behind: a manifest that leaked would
  name them to those hunting them.

The files are built when asked for, in memory, and never stored (like evac/exports). The CSV's cells go
through the exports' guard against formulas; its header is the column keys, in English, for machines.
"""

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evac.accounts.models import Organisation, User
from evac.audit.services import COMMAND, Origin, record_event
from evac.cases.models import Person, Relationship
from evac.core import references
from evac.exports.formats import csv_chunks
from evac.flights.models import Flight, Placement
from evac.flights.pool import needs_medical_place

ADULT_AGE = 18
AFGHANISTAN = "AF"

# (key, label): the key heads the CSV column; the label is for people (the PDF).
COLUMNS = (
    ("flight", gettext_lazy("Flight")),
    ("departure", gettext_lazy("Departure")),
    ("capacity", gettext_lazy("Capacity")),
    ("application_reference", gettext_lazy("Case")),
    ("person_reference", gettext_lazy("Person")),
    ("relationship", gettext_lazy("Relationship")),
    ("given_name", gettext_lazy("Given name")),
    ("family_name", gettext_lazy("Family name")),
    ("father_name", gettext_lazy("Father's name")),
    ("native_name", gettext_lazy("Name in Perso-Arabic script")),
    ("sex", gettext_lazy("Sex")),
    ("birth_year", gettext_lazy("Birth year")),
    ("birth_date", gettext_lazy("Birth date")),
    ("document_type", gettext_lazy("Document")),
    ("document_number", gettext_lazy("Document number")),
    ("document_country", gettext_lazy("Issued by")),
    ("nationality", gettext_lazy("Nationality")),
    ("minor", gettext_lazy("Minor")),
    ("travels_with", gettext_lazy("Travels with")),
    ("medical_needs", gettext_lazy("Medical or mobility needs")),
    ("medical_place", gettext_lazy("Medical place")),
    ("origin", gettext_lazy("Origin")),
    ("destination", gettext_lazy("Destination")),
    ("emergency_contact", gettext_lazy("Emergency contact")),
)
KEYS = [key for key, _label in COLUMNS]


def youngest_age(person: Person, on) -> int | None:
    """The youngest the person can be on that day, from what is known of the birth date."""
    if not person.birth_year:
        return None
    age = on.year - person.birth_year
    month, day = person.birth_month, person.birth_day
    if month is None or (on.month, on.day) < (month, day or 1) or (month == on.month and day is None):
        age -= 1  # the birthday may not have come yet this year
    return max(age, 0)


def _document(person: Person) -> tuple[str, str, str]:
    if person.passport_number:
        return "passport", str(person.passport_number), person.nationality
    if person.tazkira_number:
        return "tazkira", str(person.tazkira_number), AFGHANISTAN
    return "", "", ""


@dataclass
class Family:
    reference: str
    people: list[Person]


def families(flight: Flight) -> list[Family]:
    placements = (
        Placement.objects.filter(flight=flight)
        .select_related("application")
        .prefetch_related(Prefetch("application__people", queryset=Person.objects.order_by("position", "id")))
        .order_by("application__reference")
    )
    return [Family(p.application.reference, list(p.application.people.all())) for p in placements]


def rows(flight: Flight, placed: list[Family]) -> Iterator[dict]:
    """One dict per person, keyed like COLUMNS."""
    on = timezone.localtime(flight.departs_at).date()
    departure = timezone.localtime(flight.departs_at).isoformat(timespec="minutes")
    capacity = flight.seats + flight.medical_places
    for family in placed:
        ages = {p.pk: youngest_age(p, on) for p in family.people}
        adults = [p for p in family.people if ages[p.pk] is not None and ages[p.pk] >= ADULT_AGE]
        principal = next((p for p in family.people if p.relationship == Relationship.SELF), None)
        guardian = principal if principal in adults else (adults[0] if adults else None)
        for person in family.people:
            age = ages[person.pk]
            minor = age is not None and age < ADULT_AGE
            kind, number, country = _document(person)
            yield {
                "flight": flight.call_sign,
                "departure": departure,
                "capacity": capacity,
                "application_reference": family.reference,
                "person_reference": str(person.public_id),
                "relationship": person.relationship,
                "given_name": person.given_name,
                "family_name": person.family_name,
                "father_name": person.father_name,
                "native_name": person.native_name,
                "sex": person.sex,
                "birth_year": person.birth_year or "",
                "birth_date": person.birth_date_display,
                "document_type": kind,
                "document_number": number,
                "document_country": country,
                "nationality": person.nationality,
                "minor": "yes" if minor else ("" if age is None else "no"),
                "travels_with": str(guardian.public_id) if minor and guardian and guardian != person else "",
                "medical_needs": person.medical_needs,
                "medical_place": "yes" if needs_medical_place(person.medical_needs) else "",
                "origin": flight.origin,
                "destination": flight.destination,
                "emergency_contact": flight.emergency_contact,
            }


def csv_bytes(flight: Flight, placed: list[Family]) -> Iterator[bytes]:
    """UTF-8 with a byte order mark (Excel shows Dari and Pashto), every cell guarded against formulas."""
    return csv_chunks(KEYS, ([_plain(row[key]) for key in KEYS] for row in rows(flight, placed)))


def _plain(value) -> str | int:
    # Protected fields read back as str subclasses; the writer gets plain values.
    return value if isinstance(value, int) else str(value or "")


def file_name(flight: Flight, extension: str) -> str:
    """Names the flight, never a person."""
    call_sign = "".join(ch for ch in flight.call_sign if ch.isalnum() or ch in "-_") or "flight"
    day = timezone.localtime(flight.departs_at)
    return f"manifest-{day:%Y%m%d-%H%M}-{call_sign}.{extension}"


def record_manifest(
    flight: Flight,
    placed: list[Family],
    *,
    actor: User | None,
    file_format: str,
    origin: Origin = COMMAND,
) -> None:
    """A manifest taking personal data out of evac is an export: who, which flight, which families, how
    many rows, in what format; never the values."""
    record_event(
        "flight.manifest",
        actor=actor,
        organisation=flight.organisation,
        target_type="flight",
        target_ref=str(flight.public_id),
        origin=origin,
        detail={
            "format": file_format,
            "references": [f.reference for f in placed],
            "row_count": sum(len(f.people) for f in placed),
            "columns": KEYS,
        },
    )


# -- PDF -------------------------------------------------------------------------------------------------

FONTS = Path(__file__).resolve().parent / "fonts"
LATIN_FONT = "evac-latin"
ARABIC_FONT = "evac-arabic"
_registered = False


def _register_fonts() -> None:
    """Vera (shipped with reportlab) for Latin letters; Noto Naskh Arabic (vendored, with Pashto's extra
    letters, which DejaVu lacks) for Perso-Arabic names, shaped by HarfBuzz (uharfbuzz)."""
    global _registered
    if _registered:
        return
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(LATIN_FONT, str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(ARABIC_FONT, str(FONTS / "NotoNaskhArabic-Regular.ttf")))
    _registered = True


def _is_arabic(text: str) -> bool:
    return any(
        "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff" for ch in text
    )


def visual(text: str) -> str:
    """A right-to-left name laid out by a left-to-right engine: HarfBuzz joins and orders the letters of
    each word, the words themselves must be given last first. Names hold no digits or Latin runs, which
    would need the full bidirectional algorithm."""
    return " ".join(reversed(text.split()))


def pdf_bytes(
    flight: Flight, placed: list[Family], *, generated_by: str, organisation: Organisation
) -> bytes:
    """The manifest as a printable PDF (A4 landscape), built in memory."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    _register_fonts()
    latin = ParagraphStyle("latin", fontName=LATIN_FONT, fontSize=7.5, leading=9.5)
    arabic = ParagraphStyle("arabic", fontName=ARABIC_FONT, fontSize=9, leading=12)
    title = ParagraphStyle("title", fontName=LATIN_FONT, fontSize=14, leading=18)

    def cell(text) -> Paragraph:
        text = str(text or "")
        if _is_arabic(text):
            return Paragraph(escape(visual(text)), arabic)
        return Paragraph(escape(text), latin)

    departs = timezone.localtime(flight.departs_at)
    all_rows = list(rows(flight, placed))
    relationship = dict(Relationship.choices)
    story = [
        Paragraph(escape(_("Passenger manifest: {call_sign}").format(call_sign=flight.call_sign)), title),
        Spacer(1, 2 * mm),
    ]
    facts = [
        (_("Aircraft"), flight.aircraft),
        (_("Departure"), f"{departs:%Y-%m-%d %H:%M} ({departs.tzname()})"),
        (_("From"), flight.origin),
        (_("To"), flight.destination),
        (_("Seats"), f"{flight.seats} + {flight.medical_places} {_('medical places')}"),
        (
            _("On board"),
            _("{people} people in {families} families").format(people=len(all_rows), families=len(placed)),
        ),
        (_("Emergency contact"), flight.emergency_contact or "—"),
    ]
    story.append(Table([[cell(k), cell(v)] for k, v in facts], colWidths=[35 * mm, 150 * mm], hAlign="LEFT"))
    story.append(Spacer(1, 4 * mm))
    header = [
        "#",
        _("Case / person"),
        _("Name"),
        _("Name in Perso-Arabic script"),
        _("Sex"),
        _("Born"),
        _("Document"),
        _("Relationship"),
        _("Minor: travels with"),
        _("Medical or mobility needs"),
    ]
    by_person = {row["person_reference"]: row for row in all_rows}
    table = [[cell(h) for h in header]]
    for number, row in enumerate(all_rows, 1):
        name = " ".join(part for part in (row["given_name"], row["family_name"]) if part)
        if row["father_name"]:
            name += " " + _("(son/daughter of {father})").format(father=row["father_name"])
        document = " ".join(
            p for p in (row["document_type"], row["document_number"], row["document_country"]) if p
        )
        minor = ""
        if row["minor"] == "yes":
            guardian = by_person.get(row["travels_with"])
            minor = (
                " ".join(p for p in (guardian["given_name"], guardian["family_name"]) if p)
                or guardian["native_name"]
                if guardian
                else _("UNACCOMPANIED")
            )
        needs = row["medical_needs"] + (f" [{_('medical place')}]" if row["medical_place"] else "")
        table.append(
            [
                cell(number),
                Paragraph(
                    f"{escape(references.display(row['application_reference']))}<br/>"
                    f"{escape(row['person_reference'][:8])}",
                    latin,
                ),
                cell(name),
                cell(row["native_name"]),
                cell(row["sex"]),
                cell(row["birth_date"]),
                cell(document),
                cell(relationship.get(row["relationship"], row["relationship"])),
                cell(minor),
                cell(needs),
            ]
        )
    widths = [8, 24, 48, 40, 10, 18, 40, 22, 30, 37]
    grid = Table(table, colWidths=[w * mm for w in widths], repeatRows=1)
    grid.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.92, 0.95)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(grid)
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")

    def footer(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(LATIN_FONT, 7)
        canvas.drawString(
            10 * mm,
            7 * mm,
            _("Personal data: {organisation}. Generated {at} by {user}. Page {page}.").format(
                organisation=organisation.name, at=generated, user=generated_by, page=doc.page
            ),
        )
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=14 * mm,
        title=f"Manifest {flight.call_sign}",
        author="evac",
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
