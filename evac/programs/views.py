from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evac.accounts.access import get_membership
from evac.accounts.roles import Can
from evac.audit.services import Origin
from evac.cases.access import get_case_for_user
from evac.programs.forms import OverrideForm, ProgramRulesForm
from evac.programs.models import EligibilityRun, Program
from evac.programs.services import override_rule, save_rules


@login_required
def program_list(request: HttpRequest, org: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.MANAGE_PROGRAMS)
    programs = Program.objects.filter(organisation=membership.organisation).prefetch_related(
        "eligible_employers"
    )
    return render(request, "programs/program_list.html", {"membership": membership, "programs": programs})


@login_required
def program_rules(request: HttpRequest, org: str, slug: str) -> HttpResponse:
    membership = get_membership(request.user, org, Can.MANAGE_PROGRAMS)
    program = get_object_or_404(Program, organisation=membership.organisation, slug=slug)
    form = ProgramRulesForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        form.save()
        run = save_rules(program, form.changed_data, actor=request.user, origin=Origin.from_request(request))
        if run is None:
            messages.info(request, _("Nothing changed."))
        else:
            messages.success(request, _("Rules saved. The program's open cases are being checked again."))
        return redirect("programs:rules", org=membership.organisation.slug, slug=program.slug)
    return render(
        request,
        "programs/program_rules.html",
        {"membership": membership, "program": program, "form": form, "run": program.eligibility_runs.first()},
    )


@login_required
def run_progress(request: HttpRequest, org: str, slug: str, run_id) -> HttpResponse:
    membership = get_membership(request.user, org, Can.MANAGE_PROGRAMS)
    run = get_object_or_404(
        EligibilityRun, public_id=run_id, program__organisation=membership.organisation, program__slug=slug
    )
    context = {"membership": membership, "run": run, "program": run.program}
    return render(request, "programs/_run.html", context)


@login_required
@require_POST
def override(request: HttpRequest, org: str, ref: str) -> HttpResponse:
    membership, application = get_case_for_user(request.user, org, ref, Can.DECIDE)
    form = OverrideForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    else:
        override_rule(
            application,
            form.cleaned_data["rule"],
            met=form.met,
            reason=form.cleaned_data["reason"],
            actor=request.user,
            origin=Origin.from_request(request),
        )
        messages.success(request, _("Eligibility updated."))
    return redirect("cases:detail", org=membership.organisation.slug, ref=application.reference)
