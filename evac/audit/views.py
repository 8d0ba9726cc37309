from datetime import datetime, time

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evac.accounts.access import get_membership
from evac.accounts.roles import Can
from evac.audit.models import AuditEvent
from evac.core import references
from evac.core.pagination import CappedPaginator


class AuditFilterForm(forms.Form):
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.CharField(label=_("Action"), required=False, max_length=64)
    record = forms.CharField(label=_("Case or record"), required=False, max_length=64)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


def events_for_organisation(organisation):
    """The organisation's events, and the sign-ins of its members (those belong to no organisation)."""
    members = organisation.memberships.values("user_id")
    return AuditEvent.objects.filter(
        Q(organisation=organisation) | Q(organisation=None, actor_id__in=members)
    )


@login_required
def audit_log(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None)
    events = events_for_organisation(membership.organisation)
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            events = events.filter(actor_name=data["user"])
        if data["action"]:
            events = events.filter(action__startswith=data["action"])
        if data["record"]:
            record = data["record"]
            events = events.filter(
                target_ref=references.normalise(record) if references.is_valid(record) else record
            )
        zone = timezone.get_current_timezone()
        if data["since"]:
            events = events.filter(at__gte=datetime.combine(data["since"], time.min, zone))
        if data["until"]:
            events = events.filter(at__lte=datetime.combine(data["until"], time.max, zone))
    page = CappedPaginator(events.order_by("-id"), settings.CASES_PER_PAGE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if v and k != "page"}
    return render(
        request,
        "audit/audit_log.html",
        {"membership": membership, "form": form, "page": page, "query": query},
    )
