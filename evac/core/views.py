from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from evac.accounts.access import get_membership
from evac.accounts.roles import Can
from evac.cases.models import Application
from evac.cases.workflow import Status
from evac.situation.models import Province


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:organisations")
    return redirect("accounts:sign_in")


@login_required
def dashboard(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org)
    counts = None
    if membership.can(Can.VIEW_CASES):
        by_status = dict(
            Application.objects.filter(organisation=membership.organisation)
            .values_list("status")
            .annotate(n=Count("id"))
            .order_by()
        )
        counts = [(status, by_status.get(status.value, 0)) for status in Status]
    provinces = list(Province.objects.order_by("tile_row", "tile_col"))
    return render(
        request,
        "dashboard.html",
        {"membership": membership, "counts": counts, "provinces": provinces},
    )


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")
