"""The applicant's boarding passes: after a successful status check (reference and secret), the family's
passes, one per person, as a phone-sized page and a printable PDF.

Nothing in the URL says whose passes they are: the status check leaves a short-lived marker in the
session (signed with the session itself), and the pass pages read it. It lasts PASS_MINUTES, ends with the
browser, and "Close" removes it at once, for a phone shared between families.
"""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from evac.audit.services import Origin, record_event
from evac.cases.models import Application
from evac.core import references
from evac.flights.pass_pdf import passes_pdf
from evac.flights.passes import Identity, family_passes, qr_svg, token_for
from evac.intake.languages import applicant_page

SESSION_KEY = "evac.passes"
PASS_MINUTES = 30


def allow(request: HttpRequest, application: Application) -> bool:
    """After a successful status check: remember, for a while, that this browser may see the family's
    passes. Returns whether there are any."""
    if not family_passes(application):
        request.session.pop(SESSION_KEY, None)
        return False
    request.session[SESSION_KEY] = {"reference": application.reference, "at": timezone.now().isoformat()}
    return True


def _allowed_application(request: HttpRequest) -> Application | None:
    marker = request.session.get(SESSION_KEY)
    if not isinstance(marker, dict):
        return None
    at = parse_datetime(marker.get("at", ""))
    if at is None or timezone.now() - at > timedelta(minutes=PASS_MINUTES):
        request.session.pop(SESSION_KEY, None)
        return None
    return (
        Application.objects.filter(reference=marker.get("reference")).select_related("organisation").first()
    )


def _record(request: HttpRequest, application: Application, passes: list, form: str) -> None:
    record_event(
        "boarding_pass.show",
        actor=None,
        organisation=application.organisation,
        target_type="application",
        target_ref=application.reference,
        origin=Origin.from_request(request),
        detail={"form": form, "passes": [bp.reference for bp in passes]},
    )


@require_GET
@applicant_page
def passes(request: HttpRequest, lang: str) -> HttpResponse:
    application = _allowed_application(request)
    shown = family_passes(application) if application else []
    if not shown:
        return redirect("intake:status", lang=lang)
    _record(request, application, shown, "page")
    cards = []
    for bp in shown:
        identity = Identity.of(bp.person)
        cards.append(
            {
                "flight": bp.flight,
                "identity": identity,
                "document_kind": {"P": "passport", "T": "tazkira"}.get(identity.document[:1], ""),
                "reference": references.display(bp.reference),
                "qr": mark_safe(qr_svg(token_for(bp), title=identity.name)),  # noqa: S308  # nosemgrep: evac-mark-safe - segno's own markup; the title is escaped by it
            }
        )
    return render(request, "intake/passes.html", {"cards": cards, "lang": lang})


@require_GET
@applicant_page
def passes_pdf_view(request: HttpRequest, lang: str) -> HttpResponse:
    application = _allowed_application(request)
    shown = family_passes(application) if application else []
    if not shown:
        return redirect("intake:status", lang=lang)
    _record(request, application, shown, "pdf")
    response = HttpResponse(passes_pdf(shown, lang), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="boarding-passes.pdf"'
    return response


@require_POST
@applicant_page
def passes_close(request: HttpRequest, lang: str) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return redirect("intake:status", lang=lang)
