from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evac.accounts.access import get_membership
from evac.accounts.roles import Can
from evac.audit import export, signing
from evac.audit.forms import AuditFilterForm
from evac.audit.models import AuditVerification
from evac.audit.queries import events_for_organisation, filter_events
from evac.audit.services import Origin
from evac.audit.tasks import STALE_AFTER, last_verification_warning
from evac.core.pagination import CappedPaginator


@login_required
def audit_log(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None)
    events = events_for_organisation(membership.organisation)
    if form.is_valid():
        events = filter_events(events, form.cleaned_data)
    page = CappedPaginator(events.order_by("-id"), settings.CASES_PER_PAGE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if v and k != "page"}
    last = AuditVerification.objects.first()
    return render(
        request,
        "audit/audit_log.html",
        {
            "membership": membership,
            "form": form,
            "page": page,
            "query": query,
            "export_cap": export.EXPORT_CAP,
            "public_key": signing.public_key_base64(),
            "public_key_pem": signing.public_key_pem(),
            "verification": last,
            "verification_warning": last_verification_warning(last, timezone.now()),
            "stale_hours": int(STALE_AFTER.total_seconds() // 3600),
        },
    )


@login_required
@require_POST
def audit_export(request: HttpRequest, org: str) -> HttpResponse:
    """The filtered events as a signed .zip (see evac/audit/export.py). Posted, so that a prefetching
    browser or a crawler never makes one, and the export is itself an audited event."""
    membership = get_membership(request.user, org, Can.VIEW_AUDIT)
    form = AuditFilterForm(request.POST)
    back = reverse("audit:log", kwargs={"org": org})
    if not form.is_valid():
        messages.error(request, _("The filters are not valid: correct them and export again."))
        return redirect(back)
    try:
        exported = export.export_events(
            filter_events(events_for_organisation(membership.organisation), form.cleaned_data),
            membership=membership,
            filters=form.cleaned_data,
            origin=Origin.from_request(request),
        )
    except export.ExportTooLarge as error:
        messages.error(
            request,
            _(
                "These filters select more than {cap} events, more than one export holds. Narrow them "
                "(dates, user, action) and export in parts."
            ).format(cap=f"{error.cap:,}"),
        )
        query = {k: v for k, v in request.POST.items() if v and k in form.fields}
        return redirect(back + ("?" + urlencode(query) if query else ""))
    stamp = timezone.localtime(exported.exported_at).strftime("%Y%m%d-%H%M%S")
    return FileResponse(
        exported.file,
        as_attachment=True,
        filename=f"audit-{membership.organisation.slug}-{stamp}.zip",
        content_type="application/zip",
    )
