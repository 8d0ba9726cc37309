"""Boarding passes as a printable PDF: one page per person, the QR code large enough to scan from a
cheap print, the identity summary beside it.

ReportLab's built-in fonts draw Latin script only, and Dari or Pashto need a font with Perso-Arabic
glyphs plus shaping (two more native libraries): the PDF therefore says everything in Latin letters
(labels in English, or French for a French-speaking applicant), and a name known only in Perso-Arabic
script is left to the QR code and the pass page on the phone, which shows it.
"""

import io

import segno
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from evac.core import references
from evac.flights.models import BoardingPass
from evac.flights.passes import Identity, token_for


def _latin(text: str) -> str:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return ""
    return text


def _draw_qr(pdf: canvas.Canvas, token: str, x: float, y: float, size: float) -> None:
    qr = segno.make(token, error="m")
    rows = list(qr.matrix_iter(scale=1, border=4))
    module = size / len(rows)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * module, y + size - (r + 1) * module, module, module, stroke=0, fill=1)


def passes_pdf(passes: list[BoardingPass], language: str) -> bytes:
    # Latin-script labels only (see the module's docstring).
    with translation.override(language if language in ("en", "fr") else "en"):
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
        pdf.setTitle(_("Boarding passes"))
        pdf.setAuthor("evac")
        width, height = A4
        for boarding_pass in passes:
            flight = boarding_pass.flight
            identity = Identity.of(boarding_pass.person)
            left, top = 20 * mm, height - 25 * mm
            pdf.setFont("Helvetica-Bold", 20)
            pdf.drawString(left, top, _("Boarding pass"))
            pdf.setFont("Helvetica", 12)
            departs = timezone.localtime(flight.departs_at)
            lines = [
                (_("Flight"), f"{flight.call_sign}   {_latin(flight.origin)} - {_latin(flight.destination)}"),
                (_("Departure"), departs.strftime("%Y-%m-%d %H:%M") + " (Kabul)"),
                (
                    _("Name"),
                    _latin(identity.name) or _("(in Perso-Arabic script: see the pass on the phone)"),
                ),
                (_("Born"), str(identity.birth_year or "-")),
                (_("Document ends"), identity.document[1:] if identity.document else "-"),
                (_("Pass"), references.display(boarding_pass.reference)),
            ]
            y = top - 12 * mm
            for label, value in lines:
                pdf.setFont("Helvetica", 10)
                pdf.drawString(left, y, label)
                pdf.setFont("Helvetica-Bold", 13)
                pdf.drawString(left + 40 * mm, y, value)
                y -= 8 * mm
            size = 110 * mm
            _draw_qr(pdf, token_for(boarding_pass), (width - size) / 2, y - size - 5 * mm, size)
            pdf.setFont("Helvetica", 9)
            pdf.drawString(
                left,
                y - size - 15 * mm,
                _("One pass per person, valid once. Show it with the document it names. Do not share it."),
            )
            pdf.showPage()
        pdf.save()
        return buffer.getvalue()
