from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from evac.accounts.access import get_membership
from evac.accounts.roles import Can
from evac.audit.services import Origin
from evac.cases import services as case_services
from evac.cases.models import Application, Employment, VerificationState
from evac.cases.workflow import OPEN_STATUSES, Status
from evac.core.pagination import CappedPaginator
from evac.ranking.forms import WeightsForm
from evac.ranking.services import save_weights, weights_for

# Cases waiting for an officer's decision, as the workflow names them.
AWAITING_DECISION = (Status.RECEIVED, Status.IN_REVIEW, Status.ELIGIBLE)


@login_required
def weights(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.MANAGE_PROGRAMS)
    form = WeightsForm(request.POST or None, current=weights_for(membership.organisation))
    if request.method == "POST" and form.is_valid():
        changed = save_weights(
            membership.organisation, form.weights(), actor=request.user, origin=Origin.from_request(request)
        )
        if changed:
            messages.success(request, _("Weights saved. Every case is being re-ranked."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("ranking:weights", org=membership.organisation.slug)
    return render(request, "ranking/weights.html", {"membership": membership, "form": form})


@login_required
def decisions(request: HttpRequest, org: str) -> HttpResponse:
    """The officer's queue: cases waiting for a decision, theirs and unassigned ones, highest priority first."""
    membership = get_membership(request.user, org, Can.DECIDE)
    mine = request.GET.get("mine") == "1"
    rows = Application.objects.filter(organisation=membership.organisation, status__in=AWAITING_DECISION)
    if mine:
        rows = rows.filter(assigned_officer=request.user)
    else:
        rows = rows.filter(Q(assigned_officer=request.user) | Q(assigned_officer=None))
    rows = (
        rows.defer("address").select_related("program", "province").order_by("-priority", "created_at", "id")
    )
    page = CappedPaginator(rows, settings.CASES_PER_PAGE).get_page(request.GET.get("page"))
    case_services.record_case_list(
        membership,
        [c.reference for c in page.object_list],
        query={"queue": "decide", "mine": str(mine)},
        origin=Origin.from_request(request),
    )
    return render(
        request, "ranking/decisions.html", {"membership": membership, "page": page, "mine": mine, "query": {}}
    )


@login_required
def claims(request: HttpRequest, org: str) -> HttpResponse:
    """The verifier's queue: employment claims of open cases not yet checked, highest priority first."""
    membership = get_membership(request.user, org, Can.VERIFY_EMPLOYMENT)
    rows = (
        Employment.objects.filter(
            application__organisation=membership.organisation,
            application__status__in=OPEN_STATUSES,
            verification=VerificationState.UNVERIFIED,
        )
        .select_related("application", "employer")
        .defer("application__address")
        .order_by("-application__priority", "application__created_at", "id")
    )
    page = CappedPaginator(rows, settings.CASES_PER_PAGE).get_page(request.GET.get("page"))
    case_services.record_case_list(
        membership,
        [c.application.reference for c in page.object_list],
        query={"queue": "verify"},
        origin=Origin.from_request(request),
    )
    return render(request, "ranking/claims.html", {"membership": membership, "page": page})
