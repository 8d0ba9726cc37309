"""The applicant's draft: which one belongs to this browser, which step comes next, and saving a step.

The draft's key is kept in the session; the answers stay on the server, so a reload, a dropped
connection or a visit days later resumes where the applicant stopped.
"""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from evac.intake.models import DRAFT_DAYS, IntakeDraft

SESSION_KEY = "intake_draft"
RECEIPT_KEY = "intake_receipt"

# The steps in order. "family" is done when the applicant says the family is complete.
STEPS = ("program", "applicant", "family", "employment", "contact", "review")
MAX_MEMBERS = 20


def current(request: HttpRequest) -> IntakeDraft | None:
    key = request.session.get(SESSION_KEY)
    if not key:
        return None
    return IntakeDraft.objects.filter(pk=key, expires_at__gt=timezone.now()).first()


def start(request: HttpRequest, *, language: str, program_id: int) -> IntakeDraft:
    draft = IntakeDraft.objects.create(language=language, data={"program": program_id})
    request.session[SESSION_KEY] = str(draft.key)
    # The staff's hour-long session would lose a family's answers overnight: an applicant's lasts as
    # long as the draft does. In seconds, so that it counts from the last visit, as the draft does.
    request.session.set_expiry(DRAFT_DAYS * 24 * 3600)
    return draft


def save(draft: IntakeDraft, **answers: Any) -> None:
    """Store one step's answers; each save gives the draft another full week."""
    draft.data.update(answers)
    draft.expires_at = timezone.now() + timedelta(days=DRAFT_DAYS)
    draft.save(update_fields=["data", "expires_at", "updated_at"])


def is_done(draft: IntakeDraft, step: str) -> bool:
    if step == "family":
        return bool(draft.data.get("family_done"))
    if step == "review":
        return False
    return step in draft.data


def first_missing(draft: IntakeDraft, before: str) -> str | None:
    """The first step before `before` still to fill in: a step's page sends the applicant back there."""
    for step in STEPS[: STEPS.index(before)]:
        if not is_done(draft, step):
            return step
    return None


def resume_step(draft: IntakeDraft) -> str:
    return first_missing(draft, "review") or "review"


def members(draft: IntakeDraft) -> list[dict[str, Any]]:
    return list(draft.data.get("members", []))


def discard(request: HttpRequest) -> None:
    key = request.session.pop(SESSION_KEY, None)
    if key:
        IntakeDraft.objects.filter(pk=key).delete()
    request.session.set_expiry(None)
