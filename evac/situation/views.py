from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evac.accounts.access import get_membership
from evac.accounts.roles import Can
from evac.audit.services import Origin
from evac.situation.forms import SituationChangeForm
from evac.situation.models import Province, SituationEvent
from evac.situation.services import record_change

RECENT_EVENTS = 40


@login_required
def board(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org)
    form = SituationChangeForm() if membership.can(Can.RECORD_SITUATION) else None
    return _board(request, membership, form)


def _board(request, membership, form, status=200):
    return render(
        request,
        "situation/board.html",
        {
            "membership": membership,
            "provinces": Province.objects.order_by("tile_row", "tile_col"),
            "events": SituationEvent.objects.select_related("province", "recorded_by")[:RECENT_EVENTS],
            "form": form,
        },
        status=status,
    )


@login_required
@require_POST
def record(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.RECORD_SITUATION)
    form = SituationChangeForm(request.POST)
    if not form.is_valid():
        return _board(request, membership, form, status=400)
    data = form.cleaned_data
    record_change(
        data["province"],
        status=data["status"],
        occurred_on=data["occurred_on"],
        source=data["source"],
        note=data["note"],
        actor=request.user,
        organisation=membership.organisation,
        origin=Origin.from_request(request),
    )
    messages.success(
        request,
        _("%(province)s recorded as %(status)s. Cases there are being re-ranked.")
        % {"province": data["province"].name, "status": dict(form.fields["status"].choices)[data["status"]]},
    )
    return redirect("situation:board", org=membership.organisation.slug)


@login_required
def province(request: HttpRequest, org: str, code: str) -> HttpResponse:
    membership = get_membership(request.user, org)
    province = get_object_or_404(Province, code=code)
    return render(
        request,
        "situation/province.html",
        {
            "membership": membership,
            "province": province,
            "events": province.events.select_related("recorded_by"),
        },
    )
