import csv
import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language

from evac.accounts.access import get_membership
from evac.accounts.roles import Can
from evac.audit.services import Origin
from evac.imports.access import get_job_for_user
from evac.imports.forms import UploadForm
from evac.imports.models import ImportJob
from evac.imports.services import start_import

RECENT_JOBS = 50


@login_required
def job_list(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.CREATE_CASES)
    jobs = (
        ImportJob.objects.filter(organisation=membership.organisation)
        .select_related("program", "uploaded_by")
        .defer("content", "errors")[:RECENT_JOBS]
    )
    return render(request, "imports/job_list.html", {"membership": membership, "jobs": jobs})


@login_required
def job_create(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.CREATE_CASES)
    form = UploadForm(request.POST or None, request.FILES or None, organisation=membership.organisation)
    if request.method == "POST" and form.is_valid():
        job = start_import(
            membership,
            form.cleaned_data["program"],
            form.cleaned_data["file"].name,
            form.content,
            form.cleaned_data["dry_run"],
            language=get_language() or "",
            origin=Origin.from_request(request),
        )
        return redirect("imports:detail", org=org, job_id=job.public_id)
    return render(request, "imports/job_form.html", {"membership": membership, "form": form})


@login_required
def job_detail(request: HttpRequest, org: str, job_id: uuid.UUID) -> HttpResponse:
    membership, job = get_job_for_user(request.user, org, job_id)
    context = {"membership": membership, "job": job}
    # While the job runs the page polls this view for its status fragment.
    partial = request.htmx and not request.htmx.history_restore_request
    return render(request, "imports/_job_status.html" if partial else "imports/job_detail.html", context)


@login_required
def job_errors_csv(request: HttpRequest, org: str, job_id: uuid.UUID) -> HttpResponse:
    _membership, job = get_job_for_user(request.user, org, job_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    # Not the uploaded file's name: it is the partner's text, and has no place in a header.
    response["Content-Disposition"] = f'attachment; filename="import-{job.public_id}-errors.csv"'
    # A BOM, so that Excel, which partners open it in, reads it as UTF-8.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["line", "column", "reason"])
    writer.writerows((e["line"], e["column"], e["reason"]) for e in job.errors)
    return response
