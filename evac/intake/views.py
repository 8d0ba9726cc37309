"""The applicant's pages: language, program, the family one person at a time, work, contact, review,
the reference number, and the status page. Plain forms and redirects: nothing here needs JavaScript."""

from datetime import timedelta

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language_info
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from evac.audit.services import Origin
from evac.cases.models import EmploymentRole, Relationship, Sex
from evac.cases.workflow import Status
from evac.core import references
from evac.core.dates import parse_partial_date
from evac.intake import drafts, limits, pass_views, services
from evac.intake.explanations import explain
from evac.intake.forms import (
    ContactForm,
    EmploymentForm,
    MemberForm,
    PrincipalForm,
    ProgramForm,
    StatusForm,
    SubmitForm,
    open_programs,
    province_choices,
)
from evac.intake.languages import CODES, applicant_page
from evac.intake.models import IntakeDraft
from evac.intake.templatetags.intake import grouped
from evac.rosters.models import Employer

# The reference and secret stay on the "done" page for an hour, in case the connection drops just then;
# "I have written them down" removes them sooner.
RECEIPT_HOURS = 1


@never_cache
def languages(request: HttpRequest) -> HttpResponse:
    choices = [get_language_info(code) for code in CODES]
    return render(request, "intake/languages.html", {"choices": choices})


def _to_step(lang: str, step: str) -> HttpResponse:
    return redirect(f"intake:{step}", lang=lang)


def _draft_at(request: HttpRequest, lang: str, step: str) -> tuple[IntakeDraft | None, HttpResponse | None]:
    """The applicant's draft, or where to send them instead: to the start when there is none (or to their
    reference number when they have just submitted), to an earlier step still empty."""
    draft = drafts.current(request)
    if draft is None:
        return None, _to_step(lang, "done" if request.session.get(drafts.RECEIPT_KEY) else "program")
    missing = drafts.first_missing(draft, step)
    if missing:
        return None, _to_step(lang, missing)
    return draft, None


def _page(request: HttpRequest, template: str, step: str, context: dict, status: int = 200) -> HttpResponse:
    number = drafts.STEPS.index(step) + 1
    return render(
        request,
        template,
        {"step": step, "number": number, "steps": len(drafts.STEPS), **context},
        status=status,
    )


@applicant_page
def start(request: HttpRequest, lang: str) -> HttpResponse:
    draft = drafts.current(request)
    return _to_step(lang, drafts.resume_step(draft) if draft else "program")


@applicant_page
def program(request: HttpRequest, lang: str) -> HttpResponse:
    draft = drafts.current(request)
    programs = list(open_programs())
    chosen = draft.data.get("program") if draft else (programs[0].pk if len(programs) == 1 else None)
    form = ProgramForm(request.POST or None, initial={"program": chosen})
    if request.method == "POST" and form.is_valid():
        program_id = form.cleaned_data["program"].pk
        if draft is None:
            ip = Origin.from_request(request).ip
            limits.check(limits.DRAFTS_PER_ADDRESS, ip)
            draft = drafts.start(request, language=lang, program_id=program_id)
            limits.hit(limits.DRAFTS_PER_ADDRESS, ip)
        else:
            drafts.save(draft, program=program_id)
        return _to_step(lang, "applicant")
    return _page(
        request, "intake/program.html", "program", {"form": form, "programs": programs, "chosen": chosen}
    )


@applicant_page
def applicant(request: HttpRequest, lang: str) -> HttpResponse:
    draft, detour = _draft_at(request, lang, "applicant")
    if detour:
        return detour
    form = PrincipalForm(request.POST or None, initial=draft.data.get("applicant"))
    if request.method == "POST" and form.is_valid():
        drafts.save(draft, applicant=form.cleaned_data)
        return _to_step(lang, "family")
    return _page(request, "intake/person.html", "applicant", {"form": form})


@applicant_page
def family(request: HttpRequest, lang: str) -> HttpResponse:
    draft, detour = _draft_at(request, lang, "family")
    if detour:
        return detour
    if request.method == "POST":
        drafts.save(draft, family_done=True)
        return _to_step(lang, "employment")
    members = drafts.members(draft)
    relationships = dict(Relationship.choices)
    listed = [
        {"index": i, "name": _name(m), "relationship": relationships.get(m["relationship"], "")}
        for i, m in enumerate(members)
    ]
    return _page(
        request,
        "intake/family.html",
        "family",
        {
            "principal": _name(draft.data["applicant"]),
            "members": listed,
            "can_add": len(members) < drafts.MAX_MEMBERS,
        },
    )


@applicant_page
def member(request: HttpRequest, lang: str, index: int | None = None) -> HttpResponse:
    draft, detour = _draft_at(request, lang, "family")
    if detour:
        return detour
    members = drafts.members(draft)
    if index is not None and index >= len(members):
        raise Http404
    if index is None and len(members) >= drafts.MAX_MEMBERS:
        return _to_step(lang, "family")
    form = MemberForm(request.POST or None, initial=members[index] if index is not None else None)
    if request.method == "POST" and form.is_valid():
        if index is None:
            members.append(form.cleaned_data)
        else:
            members[index] = form.cleaned_data
        drafts.save(draft, members=members)
        return _to_step(lang, "family")
    return _page(request, "intake/person.html", "family", {"form": form, "member": True, "index": index})


@require_POST
@applicant_page
def remove_member(request: HttpRequest, lang: str, index: int) -> HttpResponse:
    draft, detour = _draft_at(request, lang, "family")
    if detour:
        return detour
    members = drafts.members(draft)
    if index < len(members):
        del members[index]
        drafts.save(draft, members=members)
    return _to_step(lang, "family")


@applicant_page
def employment(request: HttpRequest, lang: str) -> HttpResponse:
    draft, detour = _draft_at(request, lang, "employment")
    if detour:
        return detour
    form = EmploymentForm(request.POST or None, initial=draft.data.get("employment"))
    if request.method == "POST" and form.is_valid():
        drafts.save(draft, employment=form.cleaned_data)
        return _to_step(lang, "contact")
    employers = Employer.objects.filter(organisation__programs=draft.data["program"]).values_list(
        "name", flat=True
    )
    return _page(request, "intake/employment.html", "employment", {"form": form, "employers": employers})


@applicant_page
def contact(request: HttpRequest, lang: str) -> HttpResponse:
    draft, detour = _draft_at(request, lang, "contact")
    if detour:
        return detour
    form = ContactForm(request.POST or None, initial=draft.data.get("contact"))
    if request.method == "POST" and form.is_valid():
        drafts.save(draft, contact=form.cleaned_data)
        return _to_step(lang, "review")
    return _page(request, "intake/contact.html", "contact", {"form": form})


@applicant_page
def review(request: HttpRequest, lang: str) -> HttpResponse:
    draft, detour = _draft_at(request, lang, "review")
    if detour:
        return detour
    form = SubmitForm(request.POST or None, draft=draft)
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            application, _created = services.submit(draft, origin=Origin.from_request(request))
        except services.ProgramClosed:
            problem = "closed"
        else:
            # The draft is gone; what remains for this browser is the receipt, shown on the next page.
            request.session.pop(drafts.SESSION_KEY, None)
            request.session.set_expiry(None)
            request.session[drafts.RECEIPT_KEY] = {
                "reference": application.reference,
                "secret": draft.secret,
                "at": timezone.now().isoformat(),
            }
            return _to_step(lang, "done")
    # A filled-in hidden field is a script's: no case, and a 400 that tells it nothing more.
    status = 400 if form.is_bound and form.is_bot else 200
    return _page(
        request, "intake/review.html", "review", {"form": form, "problem": problem, **_summary(draft)}, status
    )


@applicant_page
def done(request: HttpRequest, lang: str) -> HttpResponse:
    receipt = request.session.get(drafts.RECEIPT_KEY)
    if receipt:
        at = parse_datetime(receipt["at"])
        if request.method == "POST" or at is None or timezone.now() - at > timedelta(hours=RECEIPT_HOURS):
            request.session.pop(drafts.RECEIPT_KEY)
            receipt = None
    if request.method == "POST":
        return _to_step(lang, "status")
    context = {}
    if receipt:
        context = {
            "reference": references.display(receipt["reference"]),
            "secret": grouped(receipt["secret"]),
        }
    return render(request, "intake/done.html", context)


@require_POST
@applicant_page
def discard(request: HttpRequest, lang: str) -> HttpResponse:
    drafts.discard(request)
    return _to_step(lang, "program")


@applicant_page
def status(request: HttpRequest, lang: str) -> HttpResponse:
    form = StatusForm(request.POST or None)
    context: dict = {"form": form}
    if request.method == "POST" and form.is_valid():
        application = services.check_status(
            form.cleaned_data["reference"], form.cleaned_data["secret"], origin=Origin.from_request(request)
        )
        if application is None:
            context["failed"] = True
        else:
            meaning, next_steps = explain(application.status)
            context["result"] = {
                "reference": application.display_reference,
                "first_name": services.first_name(application),
                "status": Status(application.status).label,
                "meaning": meaning,
                "next": next_steps,
                "since": application.status_changed_at,
                "has_passes": pass_views.allow(request, application),
            }
            context["form"] = StatusForm()
    return render(request, "intake/status.html", context)


def _name(answers: dict) -> str:
    latin = " ".join(p for p in (answers.get("given_name"), answers.get("family_name")) if p)
    return latin or answers.get("native_name", "")


def _summary(draft: IntakeDraft) -> dict:
    """The draft as the review page shows it, with the choices in the applicant's language."""
    data = draft.data
    program = next((p for p in open_programs() if p.pk == data.get("program")), None)
    relationships, sexes, roles = dict(Relationship.choices), dict(Sex.choices), dict(EmploymentRole.choices)
    people = [{"relationship": relationships[Relationship.SELF], **data["applicant"]}]
    people += [{**m, "relationship": relationships.get(m["relationship"], "")} for m in drafts.members(draft)]
    for index, person in enumerate(people):
        person["sex"] = sexes.get(person.get("sex"), "")
        person["name"] = _name(person)
        # Show how a Solar Hijri date was read, so that the applicant can see it was understood.
        person["birth_date_read"] = str(parse_partial_date(person.get("birth_date", "")) or "")
        person["edit"] = "applicant" if index == 0 else index - 1
    work = {**data["employment"], "role": roles.get(data["employment"]["role"], "")}
    contact = dict(data["contact"])
    contact["province"] = dict(province_choices()).get(contact.get("province"), "")
    return {"program": program, "people": people, "work": work, "contact": contact}
