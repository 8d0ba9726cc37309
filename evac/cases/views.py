import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from evac.accounts.access import get_membership
from evac.accounts.models import User
from evac.accounts.roles import Can
from evac.audit.models import AuditEvent
from evac.audit.services import Origin
from evac.cases import services
from evac.cases.access import get_case_for_user
from evac.cases.forms import (
    ApplicationForm,
    EmploymentFormSet,
    PersonFormSet,
    StatusChangeForm,
)
from evac.cases.models import Application, Relationship, Source
from evac.cases.queries import filter_cases
from evac.cases.workflow import allowed_targets
from evac.core.pagination import CappedPaginator
from evac.programs.services import checklist
from evac.protection.fields import unreadable_fields
from evac.ranking.services import explanation
from evac.rosters.models import Employer


@login_required
@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.VIEW_CASES)
    # A name searched for is posted, never put in a URL, where history and access logs would keep it.
    # The other filters name nobody and stay linkable (the dashboard links to ?status=...).
    if request.method == "POST":
        data = request.POST
    else:
        data = request.GET.copy()
        data.pop("q", None)
    form, cases = filter_cases(membership.organisation, data)
    page = CappedPaginator(cases, settings.CASES_PER_PAGE).get_page(data.get("page"))
    query = {k: str(v) for k, v in data.items() if v and k not in ("page", "csrfmiddlewaretoken")}
    services.record_case_list(
        membership, [c.reference for c in page.object_list], query=query, origin=Origin.from_request(request)
    )
    context = {"membership": membership, "form": form, "page": page, "query": query}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "cases/_case_table.html" if partial else "cases/case_list.html"
    return render(request, template, context)


def _family_formsets(request, application):
    """The family and employment formsets; a new case starts with an empty principal and job."""
    data = request.POST if request.method == "POST" else None
    people = PersonFormSet(data, instance=application, prefix="people")
    employments = EmploymentFormSet(data, instance=application, prefix="jobs")
    if request.method != "POST" and application.pk is None:
        people = PersonFormSet(
            instance=application, prefix="people", initial=[{"relationship": Relationship.SELF}]
        )
        people.extra = 1
        employments = EmploymentFormSet(instance=application, prefix="jobs")
        employments.extra = 1
    return people, employments


def _with_one_more_member(request: HttpRequest) -> HttpRequest:
    """The "add a family member" button re-shows the form, as typed, with one more empty member."""
    post = request.POST.copy()
    post["people-TOTAL_FORMS"] = str(int(post.get("people-TOTAL_FORMS", "0")) + 1)
    request.POST = post
    return request


def _case_forms(request: HttpRequest, application: Application, organisation):
    """The case form and its family and employment formsets, bound to what was posted, and whether they
    are ready to save: valid, and not the "add a family member" button (which only re-shows the form)."""
    adding_member = request.method == "POST" and "add_member" in request.POST
    if adding_member:
        request = _with_one_more_member(request)
    form = ApplicationForm(request.POST or None, instance=application, organisation=organisation)
    people, employments = _family_formsets(request, application)
    if request.method != "POST":
        return form, people, employments, False
    # Validate all three, so that every error shows at once.
    valid = all([form.is_valid(), people.is_valid(), employments.is_valid()])
    return form, people, employments, valid and not adding_member


@login_required
def case_create(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.CREATE_CASES)
    organisation = membership.organisation
    application = Application(organisation=organisation, source=Source.STAFF)
    form, people, employments, ready = _case_forms(request, application, organisation)
    if ready:
        application = form.save(commit=False)
        family = [
            f.save(commit=False) for f in people.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        jobs = [
            f.save(commit=False)
            for f in employments.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        try:
            key = uuid.UUID(request.POST.get("idempotency_key", ""))
        except ValueError:
            key = None
        try:
            application, created = services.create_application(
                application,
                family,
                jobs,
                actor=request.user,
                origin=Origin.from_request(request),
                idempotency_key=key,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if created:
                messages.success(
                    request, _("Case {ref} registered.").format(ref=application.display_reference)
                )
            return redirect("cases:detail", org=org, ref=application.reference)
    return render(
        request,
        "cases/case_form.html",
        {
            "membership": membership,
            "form": form,
            "people": people,
            "employments": employments,
            "employers": Employer.objects.filter(organisation=organisation),
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4(),
            "application": None,
        },
    )


@login_required
def case_detail(request: HttpRequest, org: str, ref: str) -> HttpResponse:
    membership, application = get_case_for_user(request.user, org, ref)
    services.record_case_view(application, actor=request.user, origin=Origin.from_request(request))
    targets = [t for t, cap in allowed_targets(application.status).items() if membership.can(cap)]
    status_form = StatusChangeForm(targets=targets, current=application.status) if targets else None
    people = list(application.people.all())
    return render(
        request,
        "cases/case_detail.html",
        {
            "membership": membership,
            "case": application,
            "people": people,
            # The organisation's data key was destroyed (evac shred_org_keys): say so rather than show blanks.
            "priority_terms": explanation(application, membership.organisation),
            "checklist": checklist(application),
            "keys_destroyed": bool(unreadable_fields(application))
            or any(unreadable_fields(p) for p in people),
            "employments": application.employments.select_related("employer", "person", "roster_entry"),
            "status_changes": application.status_changes.select_related("actor"),
            "status_form": status_form,
            "sent_messages": application.messages.select_related("sent_by")[:5],
            "audit_events": AuditEvent.objects.filter(
                organisation=membership.organisation, target_ref=application.reference
            ).order_by("-id")[:50],
            "officers": User.objects.filter(
                memberships__organisation=membership.organisation, memberships__role="case_officer"
            ).order_by("username")
            if membership.can(Can.ASSIGN)
            else None,
        },
    )


@login_required
def case_edit(request: HttpRequest, org: str, ref: str) -> HttpResponse:
    membership, application = get_case_for_user(request.user, org, ref, Can.EDIT_CASES)
    organisation = membership.organisation
    if request.method == "GET":
        # The edit form shows the whole family's personal data: a read like the case page.
        services.record_case_view(application, actor=request.user, origin=Origin.from_request(request))
    form, people, employments, ready = _case_forms(request, application, organisation)
    if ready:
        changed = [name for name in form.changed_data if name in ApplicationForm.Meta.fields]
        saved_people = people.save(commit=False)
        saved_jobs = employments.save(commit=False)
        people_changes = {
            str(f.instance.public_id): sorted(f.changed_data)
            for f in people.initial_forms
            if f.has_changed() and f not in people.deleted_forms
        }
        try:
            services.update_application(
                form.save(commit=False),
                changed_fields=changed,
                saved_people=saved_people,
                deleted_people=people.deleted_objects,
                saved_employments=saved_jobs,
                deleted_employments=employments.deleted_objects,
                people_changes=people_changes,
                actor=request.user,
                origin=Origin.from_request(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Case {ref} saved.").format(ref=application.display_reference))
            return redirect("cases:detail", org=org, ref=application.reference)
    return render(
        request,
        "cases/case_form.html",
        {
            "membership": membership,
            "form": form,
            "people": people,
            "employments": employments,
            "employers": Employer.objects.filter(organisation=organisation),
            "application": application,
        },
    )


STALE_MESSAGE = _lazy(
    "Someone changed this case while you were looking at it. Check the new status and try again."
)


@login_required
@require_POST
def case_change_status(request: HttpRequest, org: str, ref: str) -> HttpResponse:
    membership, application = get_case_for_user(request.user, org, ref)
    targets = [t for t, cap in allowed_targets(application.status).items() if membership.can(cap)]
    if not targets:
        raise PermissionDenied
    if request.POST.get("expected_status") != application.status:
        messages.warning(request, STALE_MESSAGE)
        return redirect("cases:detail", org=org, ref=application.reference)
    form = StatusChangeForm(request.POST, targets=targets, current=application.status)
    if not form.is_valid():
        messages.error(request, _("Choose a new status and give a reason."))
        return redirect("cases:detail", org=org, ref=application.reference)
    try:
        services.change_status(
            application,
            form.cleaned_data["target"],
            reason=form.cleaned_data["reason"],
            membership=membership,
            expected_status=form.cleaned_data["expected_status"],
            origin=Origin.from_request(request),
        )
    except services.StaleCase:
        messages.warning(request, STALE_MESSAGE)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Status changed to {status}.").format(status=application.get_status_display())
        )
    return redirect("cases:detail", org=org, ref=application.reference)


@login_required
@require_POST
def case_assign(request: HttpRequest, org: str, ref: str) -> HttpResponse:
    membership, application = get_case_for_user(request.user, org, ref, Can.ASSIGN)
    username = request.POST.get("officer", "")
    officer = User.objects.filter(username=username).first() if username else None
    if username and officer is None:
        messages.error(request, _("No such officer."))
    else:
        try:
            services.assign_officer(
                application, officer, membership=membership, origin=Origin.from_request(request)
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Assignment saved."))
    return redirect("cases:detail", org=org, ref=application.reference)
