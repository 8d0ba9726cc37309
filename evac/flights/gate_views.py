"""The gate's pages: the flights open for boarding, and one page per flight for a phone or tablet, with
the JSON its script talks to (evac/static/gate/gate.js). Thin: the rules are in evac/flights/gate.py."""

import json
import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from evac.accounts.access import get_membership
from evac.accounts.models import Membership
from evac.accounts.roles import Can
from evac.audit.services import Origin
from evac.flights import gate
from evac.flights.models import Flight
from evac.flights.passes import OPEN_STATUSES

# A sync larger than this is refused whole (the device sends its queue in slices).
MAX_BODY = 2 * 1024 * 1024


def get_gate_flight(user, org: str, flight_id: uuid.UUID) -> tuple[Membership, Flight]:
    """The membership (with Can.BOARD) and the organisation's flight; 404 for anyone else's flight."""
    membership = get_membership(user, org, Can.BOARD)
    flight = (
        Flight.objects.filter(organisation=membership.organisation, public_id=flight_id)
        .select_related("organisation")
        .first()
    )
    if flight is None:
        raise Http404
    return membership, flight


def _json_body(request: HttpRequest) -> object:
    if len(request.body) > MAX_BODY:
        raise gate.BadScan("the request is too large")
    try:
        return json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError) as error:
        raise gate.BadScan("the body is not JSON") from error


def _bad(error: gate.BadScan) -> JsonResponse:
    return JsonResponse({"ok": False, "error": str(error)}, status=400)


@login_required
@require_GET
def flights(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.BOARD)
    open_flights = Flight.objects.filter(organisation=membership.organisation, status__in=OPEN_STATUSES)
    return render(request, "gate/flights.html", {"membership": membership, "flights": open_flights})


@login_required
@require_GET
def page(request: HttpRequest, org: str, flight_id: uuid.UUID) -> HttpResponse:
    membership, flight = get_gate_flight(request.user, org, flight_id)
    strings = {
        "online": _("Online"),
        "offline": _("Offline: scans are kept on this device and sent when the network returns."),
        "pending": _("Scans waiting to be sent: %(count)s"),
        "synced": _("Sent. Conflicts: %(count)s"),
        "sign_in": _("Signed out: sign in again in another tab, then send the scans."),
        "not_ready": _("This device has no list for this flight yet: connect once to download it."),
        "unknown": _("No pass with this reference on this flight."),
        "forged": _("Not a valid pass: its signature does not match. Do not board on this code."),
        "other_flight": _("This pass is for another flight."),
        "replaced": _("This pass was replaced by a newer one: ask for the new pass."),
        "void": _("This pass was cancelled: the family is no longer on this flight."),
        "boarded_here": _("Already boarded at gate %(gate)s at %(time)s (on this device, not yet sent)."),
        "refused_here": _("Refused at gate %(gate)s at %(time)s: %(reason)s"),
        "boarded_offline": _("Boarded (offline: will be sent when the network returns)."),
        "refused_offline": _("Refused (offline: will be sent when the network returns)."),
        "reason_needed": _("Give the reason for the refusal."),
        "gate_needed": _("Say which gate this is first."),
        "camera_failed": _("The camera cannot be used here: type the pass reference."),
        "list_saved": _("List for offline use: %(count)s passes, saved at %(time)s."),
        "board_anyway": _("Board anyway"),
        "board": _("Board"),
    }
    return render(
        request,
        "gate/page.html",
        {"membership": membership, "flight": flight, "strings": strings},
    )


@login_required
@require_GET
def manifest(request: HttpRequest, org: str, flight_id: uuid.UUID) -> JsonResponse:
    _membership, flight = get_gate_flight(request.user, org, flight_id)
    data = gate.manifest(flight, agent=request.user, origin=Origin.from_request(request))
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def check(request: HttpRequest, org: str, flight_id: uuid.UUID) -> JsonResponse:
    _membership, flight = get_gate_flight(request.user, org, flight_id)
    try:
        data = _json_body(request)
        if not isinstance(data, dict) or not isinstance(data.get("token", ""), str):
            raise gate.BadScan("send {token} or {reference}")
        token, reference = data.get("token") or "", str(data.get("reference") or "")
        if not (token or reference) or len(token) > gate.MAX_TOKEN or len(reference) > 20:
            raise gate.BadScan("send {token} or {reference}")
    except gate.BadScan as error:
        return _bad(error)
    answer = gate.check(
        flight, token=token, reference=reference, agent=request.user, origin=Origin.from_request(request)
    )
    return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def scan(request: HttpRequest, org: str, flight_id: uuid.UUID) -> JsonResponse:
    """One scan, online: boarded or refused now, or what stood in the way."""
    _membership, flight = get_gate_flight(request.user, org, flight_id)
    try:
        item = gate.ScanInput.parse(_json_body(request))
    except gate.BadScan as error:
        return _bad(error)
    row = gate.apply_scan(
        flight, item, agent=request.user, origin=Origin.from_request(request), offline=False
    )
    return JsonResponse(gate.result(row), json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
def sync(request: HttpRequest, org: str, flight_id: uuid.UUID) -> JsonResponse:
    """A device's offline scans. Refused whole if any is malformed (nothing applied, nothing lost: the
    device keeps them); otherwise each is applied once and its result returned."""
    _membership, flight = get_gate_flight(request.user, org, flight_id)
    try:
        data = _json_body(request)
        raw = data.get("scans") if isinstance(data, dict) else None
        if not isinstance(raw, list) or len(raw) > gate.MAX_SYNC:
            raise gate.BadScan(f"send {{scans: [...]}}, at most {gate.MAX_SYNC} at a time")
        items = [gate.ScanInput.parse(entry) for entry in raw]
    except gate.BadScan as error:
        return _bad(error)
    rows = gate.sync(flight, items, agent=request.user, origin=Origin.from_request(request))
    return JsonResponse(
        {"ok": True, "results": [gate.result(row) for row in rows]}, json_dumps_params={"ensure_ascii": False}
    )
