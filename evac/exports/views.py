import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from evac.accounts.access import get_membership
from evac.accounts.roles import Can
from evac.audit.services import Origin
from evac.cases.queries import filter_cases
from evac.exports import columns as export_columns
from evac.exports import formats, services
from evac.exports.access import get_export_for_user, get_exporter
from evac.exports.forms import DecisionForm, ExportForm, ThresholdForm, describe_filters, filter_values
from evac.exports.models import ExportRequest
from evac.exports.rows import header, rows

RECENT = 50


@login_required
def export_list(request: HttpRequest, org: str) -> HttpResponse:
    """The member's own requests, and the others' requests waiting for a second member."""
    membership = get_exporter(request.user, org)
    requests = ExportRequest.objects.filter(organisation=membership.organisation).defer(
        "references", "filters"
    )
    return render(
        request,
        "exports/export_list.html",
        {
            "membership": membership,
            "own": requests.filter(requested_by=request.user).select_related("decided_by")[:RECENT],
            "awaiting": requests.filter(state=ExportRequest.State.AWAITING_APPROVAL)
            .exclude(requested_by=request.user)
            .select_related("requested_by"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def export_create(request: HttpRequest, org: str) -> HttpResponse:
    """The request form. The case list posts its current filters here (a name searched for stays out of
    the URL); the form then posts them back with the columns and the format."""
    membership = get_exporter(request.user, org)
    organisation = membership.organisation
    if request.method == "POST":
        data = request.POST
    else:
        data = request.GET.copy()
        data.pop("q", None)
    # Posted from the case list (no key yet) or to count again: show the form, ask for nothing yet.
    submitted = (
        request.method == "POST" and "idempotency_key" in request.POST and "recount" not in request.POST
    )
    filter_form, cases = filter_cases(organisation, data)
    export_form = ExportForm(request.POST if submitted else None, initial={"idempotency_key": uuid.uuid4()})
    if request.method == "POST" and not submitted and "idempotency_key" in request.POST:
        # Counting again keeps what was ticked, and the key the form was first shown with.
        export_form = ExportForm(initial={**request.POST.dict(), "columns": request.POST.getlist("columns")})
    # An invalid filter shows every case in the list; in an export it would widen the selection: refuse.
    filters_valid = not filter_form.is_bound or filter_form.is_valid()
    if submitted and filters_valid and export_form.is_valid():
        try:
            export, created = services.request_export(
                membership,
                cases,
                filters=filter_values(filter_form) if filter_form.is_bound else {},
                columns=export_form.cleaned_data["columns"],
                file_format=export_form.cleaned_data["format"],
                origin=Origin.from_request(request),
                idempotency_key=export_form.cleaned_data["idempotency_key"],
            )
        except ValidationError as error:
            export_form.add_error(None, error)
        else:
            if created and export.state == ExportRequest.State.AWAITING_APPROVAL:
                messages.info(request, _("Export requested. It waits for another member who may export."))
            elif created:
                messages.success(request, _("Export ready: download it within 24 hours."))
            return redirect("exports:detail", org=org, export_id=export.public_id)
    selected = set(export_form["columns"].value() or [])
    return render(
        request,
        "exports/export_form.html",
        {
            "membership": membership,
            "filter_form": filter_form,
            "form": export_form,
            "matching": cases.count() if filters_valid else None,
            "threshold": organisation.export_approval_threshold,
            "column_groups": [
                (
                    _("About the case"),
                    [(c, c.key in selected) for c in export_columns.COLUMNS if c.level == "case"],
                ),
                (
                    _("About each person (one row per person)"),
                    [(c, c.key in selected) for c in export_columns.COLUMNS if c.level == "person"],
                ),
            ],
        },
    )


@login_required
def export_detail(request: HttpRequest, org: str, export_id: uuid.UUID) -> HttpResponse:
    membership, export = get_export_for_user(request.user, org, export_id)
    own = export.requested_by_id == request.user.pk
    return render(
        request,
        "exports/export_detail.html",
        {
            "membership": membership,
            "export": export,
            "own": own,
            "columns": export_columns.chosen(export.columns),
            "filters": describe_filters(export.filters, membership.organisation),
            "may_decide": not own and export.state == ExportRequest.State.AWAITING_APPROVAL,
            "may_download": own and export.is_downloadable,
            "expired": export.is_expired(),
            "decision_form": DecisionForm(),
        },
    )


@login_required
@require_POST
def export_decide(request: HttpRequest, org: str, export_id: uuid.UUID) -> HttpResponse:
    membership, export = get_export_for_user(request.user, org, export_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or refuse."))
        return redirect("exports:detail", org=org, export_id=export.public_id)
    decide = services.approve_export if form.cleaned_data["decision"] == "approve" else services.refuse_export
    try:
        decide(export, membership, reason=form.cleaned_data["reason"], origin=Origin.from_request(request))
    except services.StaleExport:
        messages.warning(request, _("This request was decided already: nothing was changed."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("exports:detail", org=org, export_id=export.public_id)


@login_required
@require_POST
def export_download(request: HttpRequest, org: str, export_id: uuid.UUID) -> HttpResponse:
    """The file, built now from the frozen references and streamed: it is never stored. A POST, as it
    uses up the request's one download (a link would be followed by previews and prefetchers)."""
    membership, export = get_export_for_user(request.user, org, export_id)
    try:
        export = services.claim_download(export, membership, origin=Origin.from_request(request))
    except services.StaleExport:
        messages.warning(request, _("This export cannot be downloaded (again): ask for a new one."))
    except services.ExportExpired:
        messages.warning(request, _("This export was ready for more than 24 hours: ask for a new one."))
    except services.NeedsApproval:
        messages.warning(
            request,
            _("These cases now hold more rows than may leave without approval: ask for a new export."),
        )
    else:
        return _file_response(export, membership.organisation)
    return redirect("exports:detail", org=org, export_id=export.public_id)


def _file_response(export: ExportRequest, organisation) -> StreamingHttpResponse:
    columns = export_columns.chosen(export.columns)
    language = translation.get_language()
    titles = header(columns)
    write = formats.xlsx_chunks if export.format == ExportRequest.Format.XLSX else formats.csv_chunks

    def chunks():
        # Runs after the view has returned: keep the requester's language for the values' labels.
        with translation.override(language):
            yield from write(titles, rows(organisation, export.references, columns))

    content_type = formats.XLSX_CONTENT_TYPE if export.format == "xlsx" else formats.CSV_CONTENT_TYPE
    response = StreamingHttpResponse(chunks(), content_type=content_type)
    # Names nobody: the organisation, the day and the request.
    name = (
        f"evac-{organisation.slug}-{timezone.localdate():%Y%m%d}-{str(export.public_id)[:8]}.{export.format}"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def export_settings(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.MANAGE_MEMBERS)
    organisation = membership.organisation
    form = ThresholdForm(
        request.POST or None, initial={"export_approval_threshold": organisation.export_approval_threshold}
    )
    if request.method == "POST" and form.is_valid():
        services.set_export_threshold(
            membership, form.cleaned_data["export_approval_threshold"], origin=Origin.from_request(request)
        )
        messages.success(request, _("Export settings saved."))
        return redirect("exports:settings", org=org)
    return render(request, "exports/export_settings.html", {"membership": membership, "form": form})
