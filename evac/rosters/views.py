import csv
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from evac.accounts.access import get_membership
from evac.accounts.roles import Can
from evac.audit.services import Origin
from evac.rosters import services
from evac.rosters.access import get_claim_for_user, get_roster_import_for_user
from evac.rosters.forms import DecisionForm, RosterUploadForm
from evac.rosters.importing import start_roster_import
from evac.rosters.matching import CREDIBLE
from evac.rosters.models import Employer, RosterImport
from evac.rosters.side_by_side import rows

RECENT_IMPORTS = 50


@login_required
def roster_list(request: HttpRequest, org: str) -> HttpResponse:
    """The organisation's employers with the size of their rosters, and the roster files loaded lately.
    No names: reading entries is the verifier's, beside a claim."""
    membership = get_membership(request.user, org, Can.MANAGE_ROSTERS)
    employers = Employer.objects.filter(organisation=membership.organisation).annotate(
        entries=Count("roster_entries", distinct=True), loaded=Max("imports__finished_at")
    )
    jobs = (
        RosterImport.objects.filter(organisation=membership.organisation)
        .select_related("employer", "uploaded_by")
        .defer("content", "errors")[:RECENT_IMPORTS]
    )
    return render(
        request, "rosters/roster_list.html", {"membership": membership, "employers": employers, "jobs": jobs}
    )


@login_required
def import_create(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.MANAGE_ROSTERS)
    form = RosterUploadForm(request.POST or None, request.FILES or None, organisation=membership.organisation)
    if request.method == "POST" and form.is_valid():
        origin = Origin.from_request(request)
        try:
            employer = form.cleaned_data["employer"] or services.add_employer(
                membership.organisation, form.cleaned_data["new_employer"], actor=request.user, origin=origin
            )
        except ValidationError as error:
            form.add_error("new_employer", error)
        else:
            job = start_roster_import(
                membership,
                employer,
                form.cleaned_data["file"].name,
                form.content,
                language=get_language() or "",
                origin=origin,
            )
            return redirect("rosters:import_detail", org=org, roster_job_id=job.public_id)
    return render(request, "rosters/import_form.html", {"membership": membership, "form": form})


@login_required
def import_detail(request: HttpRequest, org: str, roster_job_id: uuid.UUID) -> HttpResponse:
    membership, job = get_roster_import_for_user(request.user, org, roster_job_id)
    context = {"membership": membership, "job": job}
    # While the job runs the page polls this view for its status fragment.
    partial = request.htmx and not request.htmx.history_restore_request
    return render(
        request, "rosters/_import_status.html" if partial else "rosters/import_detail.html", context
    )


@login_required
def import_errors_csv(request: HttpRequest, org: str, roster_job_id: uuid.UUID) -> HttpResponse:
    _membership, job = get_roster_import_for_user(request.user, org, roster_job_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-{job.public_id}-errors.csv"'
    response.write("\ufeff")  # so that Excel reads it as UTF-8
    writer = csv.writer(response)
    writer.writerow(["line", "column", "reason"])
    writer.writerows((e["line"], e["column"], e["reason"]) for e in job.errors)
    return response


@login_required
def claim(request: HttpRequest, org: str, claim_id: uuid.UUID) -> HttpResponse:
    """One claimed employment beside the best candidates from its employer's roster, with the verifier's
    decision: confirm with one of them (refused below the credibility threshold), or reject with a reason."""
    membership, employment = get_claim_for_user(request.user, org, claim_id)
    form = DecisionForm(request.POST or None, initial={"expected": employment.verification})
    status = 200
    if request.method == "POST" and form.is_valid():
        data, origin = form.cleaned_data, Origin.from_request(request)
        try:
            if data["decision"] == "confirm":
                services.confirm_claim(
                    employment,
                    str(data["entry"]),
                    membership=membership,
                    expected=data["expected"],
                    origin=origin,
                )
                messages.success(request, _("Employment verified against the roster."))
            else:
                services.reject_claim(
                    employment,
                    data["reason"],
                    membership=membership,
                    expected=data["expected"],
                    origin=origin,
                )
                messages.success(request, _("Claim rejected."))
        except services.StaleClaim:
            messages.warning(
                request, _("Someone decided on this claim while you were reading it: here it is now.")
            )
            return redirect("rosters:claim", org=org, claim_id=employment.public_id)
        except ValidationError as error:
            form.add_error(None, error)
            status = 422
        else:
            return redirect("ranking:claims", org=org)
    elif request.method == "POST":
        status = 422
    person = services.claimant(employment)
    match = services.candidates_for(employment, person)
    services.record_claim_view(employment, match, membership=membership, origin=Origin.from_request(request))
    context = {
        "membership": membership,
        "claim": employment,
        "case": employment.application,
        "person": person,
        "match": match,
        "rows": rows(employment, person, match),
        "form": form,
        "credible": CREDIBLE,
    }
    return render(request, "rosters/claim.html", context, status=status)
