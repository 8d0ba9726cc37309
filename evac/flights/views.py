import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from evac.accounts.access import get_membership
from evac.accounts.roles import Can
from evac.audit.services import Origin, record_event
from evac.cases.access import get_case_for_user
from evac.cases.models import Application
from evac.core import references
from evac.exports.formats import CSV_CONTENT_TYPE
from evac.flights import board, manifests, planning, services
from evac.flights.access import (
    get_flight_for_user,
    get_manifest_for_user,
    get_run_for_user,
    may_take_manifests,
)
from evac.flights.forms import FlightForm, HoldForm, LinkForm, ManifestForm, PinForm, StatusForm
from evac.flights.models import AllocationRun, Flight, FlightStatus


def _errors(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _back(request: HttpRequest, org: str, target: str | None) -> HttpResponse:
    """Back where the form was: the board or a flight's page, never anywhere else."""
    home = reverse("flights:board", kwargs={"org": org})
    if target and target.startswith(home) and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect(home)


@login_required
def flight_board(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.VIEW_FLIGHTS)
    organisation = membership.organisation
    current, past = board.board_flights(organisation)
    run = AllocationRun.objects.filter(organisation=organisation).select_related("requested_by").first()
    waiting, waiting_total = board.waiting_families(organisation, run)
    links = board.links(organisation)
    shown = [w.case.reference for w in waiting] + [
        r for link in links for r in (link.a.reference, link.b.reference)
    ]
    # Names of families waiting for a seat: a read of personal data, as on the case list.
    record_event(
        "flight.board",
        actor=request.user,
        organisation=organisation,
        target_type="flight",
        origin=Origin.from_request(request),
        detail={"shown": shown},
    )
    context = {
        "membership": membership,
        "current": current,
        "past": past,
        "run": run,
        "waiting": waiting,
        "waiting_total": waiting_total,
        "links": links,
        "planned": [row.flight for row in current if row.flight.status == FlightStatus.PLANNED],
        "here": request.path,
    }
    return render(request, "flights/board.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def flight_create(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.SCHEDULE)
    form = FlightForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            flight = planning.create_flight(
                membership, form.cleaned_data, origin=Origin.from_request(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Flight {call_sign} planned.").format(call_sign=flight.call_sign))
            return redirect("flights:detail", org=org, flight_id=flight.public_id)
    return render(
        request, "flights/flight_form.html", {"membership": membership, "form": form, "flight": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def flight_edit(request: HttpRequest, org: str, flight_id: uuid.UUID) -> HttpResponse:
    membership, flight = get_flight_for_user(request.user, org, flight_id, Can.SCHEDULE)
    form = FlightForm(request.POST or None, instance=Flight.objects.get(pk=flight.pk))
    if request.method == "POST" and form.is_valid():
        try:
            changed = planning.update_flight(
                flight, membership, form.cleaned_data, origin=Origin.from_request(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if changed:
                messages.success(
                    request, _("Flight changed. Run the allocation again to fill it as it is now.")
                )
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("flights:detail", org=org, flight_id=flight.public_id)
    return render(
        request, "flights/flight_form.html", {"membership": membership, "form": form, "flight": flight}
    )


@login_required
def flight_detail(request: HttpRequest, org: str, flight_id: uuid.UUID) -> HttpResponse:
    membership, flight = get_flight_for_user(request.user, org, flight_id)
    families = board.placed_families(flight)
    row = board.flight_rows([flight])[0]
    record_event(
        "flight.view",
        actor=request.user,
        organisation=membership.organisation,
        target_type="flight",
        target_ref=str(flight.public_id),
        origin=Origin.from_request(request),
        detail={"shown": [f.placement.application.reference for f in families]},
    )
    next_statuses = {
        FlightStatus.PLANNED: [FlightStatus.BOARDING, FlightStatus.DEPARTED, FlightStatus.CANCELLED],
        FlightStatus.BOARDING: [FlightStatus.PLANNED, FlightStatus.DEPARTED, FlightStatus.CANCELLED],
        FlightStatus.DEPARTED: [FlightStatus.LANDED],
    }.get(flight.status, [])
    context = {
        "membership": membership,
        "flight": flight,
        "row": row,
        "families": families,
        "others": board.other_planned(flight, membership.organisation),
        "next_statuses": [(s, FlightStatus(s).label) for s in next_statuses],
        "manifests": may_take_manifests(membership),
        "report": flight.departure_report,
        "here": request.path,
    }
    return render(request, "flights/flight_detail.html", context)


@login_required
@require_POST
def flight_status(request: HttpRequest, org: str, flight_id: uuid.UUID) -> HttpResponse:
    membership, flight = get_flight_for_user(request.user, org, flight_id, Can.SCHEDULE)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what happened to the flight."))
    else:
        try:
            planning.set_flight_status(
                flight, form.cleaned_data["status"], membership, origin=Origin.from_request(request)
            )
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(
                request,
                _("Flight {call_sign}: {status}.").format(
                    call_sign=flight.call_sign, status=FlightStatus(flight.status).label
                ),
            )
    return redirect("flights:detail", org=org, flight_id=flight.public_id)


@login_required
@require_POST
def flight_manifest(request: HttpRequest, org: str, flight_id: uuid.UUID) -> HttpResponse:
    """The manifest, built now and sent: never stored. A POST, so that no preview or prefetcher takes a
    copy, and each download is one audited decision."""
    membership, flight = get_manifest_for_user(request.user, org, flight_id)
    form = ManifestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose CSV or PDF."))
        return redirect("flights:detail", org=org, flight_id=flight.public_id)
    file_format = form.cleaned_data["format"]
    placed = manifests.families(flight)
    manifests.record_manifest(
        flight, placed, actor=request.user, file_format=file_format, origin=Origin.from_request(request)
    )
    if file_format == "pdf":
        content = manifests.pdf_bytes(
            flight, placed, generated_by=request.user.get_username(), organisation=membership.organisation
        )
        response = HttpResponse(content, content_type="application/pdf")
    else:
        language = translation.get_language()

        def chunks():
            with translation.override(language):
                yield from manifests.csv_bytes(flight, placed)

        response = StreamingHttpResponse(chunks(), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{manifests.file_name(flight, file_format)}"'
    return response


@login_required
@require_POST
def allocate(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.SCHEDULE)
    _run, created = services.start_allocation(membership, origin=Origin.from_request(request))
    if created:
        messages.success(request, _("Allocation started. The board shows it as it runs."))
    else:
        messages.info(request, _("An allocation is already under way: here it is."))
    return redirect("flights:board", org=org)


@login_required
def run_progress(request: HttpRequest, org: str, allocation_id: uuid.UUID) -> HttpResponse:
    membership, run = get_run_for_user(request.user, org, allocation_id)
    return render(request, "flights/_run.html", {"membership": membership, "run": run})


def _case(request: HttpRequest, org: str, ref: str) -> tuple:
    return get_case_for_user(request.user, org, ref, Can.SCHEDULE)


@login_required
@require_POST
def pin(request: HttpRequest, org: str, ref: str) -> HttpResponse:
    membership, application = _case(request, org, ref)
    form = PinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a flight."))
        return _back(request, org, request.POST.get("next"))
    origin = Origin.from_request(request)
    try:
        if form.cleaned_data["action"] == "unpin":
            planning.unpin_family(application, membership, origin=origin)
            messages.success(request, _("Unpinned: the next allocation may move the family."))
        else:
            flight = Flight.objects.filter(
                organisation=membership.organisation, public_id=form.cleaned_data["flight"]
            ).first()
            if flight is None:
                messages.error(request, _("Choose a flight."))
            else:
                planning.pin_family(application, flight, membership, origin=origin)
                messages.success(
                    request,
                    _("Family {reference} pinned to {call_sign}.").format(
                        reference=application.display_reference, call_sign=flight.call_sign
                    ),
                )
    except ValidationError as error:
        _errors(request, error)
    return _back(request, org, form.cleaned_data.get("next"))


@login_required
@require_POST
def hold(request: HttpRequest, org: str, ref: str) -> HttpResponse:
    membership, application = _case(request, org, ref)
    form = HoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for holding the family back."))
        return _back(request, org, request.POST.get("next"))
    origin = Origin.from_request(request)
    try:
        if form.cleaned_data["action"] == "release":
            planning.release_family(application, membership, origin=origin)
            messages.success(request, _("Released: the next allocation takes the family again."))
        else:
            planning.hold_family(application, membership, reason=form.cleaned_data["reason"], origin=origin)
            messages.success(
                request, _("Family {reference} held back.").format(reference=application.display_reference)
            )
    except ValidationError as error:
        _errors(request, error)
    return _back(request, org, form.cleaned_data.get("next"))


@login_required
@require_POST
def link(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.SCHEDULE)
    form = LinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the references of both families."))
        return _back(request, org, request.POST.get("next"))
    cases = []
    for key in ("a", "b"):
        reference = form.cleaned_data[key]
        case = None
        if references.is_valid(reference):
            case = Application.objects.filter(
                organisation=membership.organisation, reference=references.normalise(reference)
            ).first()
        if case is None:
            messages.error(
                request,
                _("No case of this organisation has the reference {reference}.").format(reference=reference),
            )
            return _back(request, org, form.cleaned_data.get("next"))
        cases.append(case)
    origin = Origin.from_request(request)
    try:
        if form.cleaned_data["action"] == "unlink":
            planning.unlink_families(*cases, membership, origin=origin)
            messages.success(request, _("The families are no longer linked."))
        else:
            planning.link_families(*cases, membership, reason=form.cleaned_data["reason"], origin=origin)
            messages.success(request, _("Linked: the two families will travel together."))
    except ValidationError as error:
        _errors(request, error)
    return _back(request, org, form.cleaned_data.get("next"))
