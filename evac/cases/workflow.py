"""Application statuses and the moves allowed between them, with the capability each move needs."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from evac.accounts.roles import Can


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("In review")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    APPROVED = "approved", _("Approved")
    SCHEDULED = "scheduled", _("Scheduled")
    BOARDED = "boarded", _("Boarded")
    ARRIVED = "arrived", _("Arrived")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = Status

# from -> {to: capability needed}. Anything not listed is not a move evac allows.
TRANSITIONS: dict[str, dict[str, Can]] = {
    S.RECEIVED: {S.IN_REVIEW: Can.DECIDE, S.WITHDRAWN: Can.DECIDE},
    S.IN_REVIEW: {S.ELIGIBLE: Can.DECIDE, S.INELIGIBLE: Can.DECIDE, S.WITHDRAWN: Can.DECIDE},
    S.ELIGIBLE: {
        S.APPROVED: Can.DECIDE,
        S.INELIGIBLE: Can.DECIDE,
        S.IN_REVIEW: Can.DECIDE,
        S.WITHDRAWN: Can.DECIDE,
    },
    # An ineligible case can be reopened on new evidence (an appeal, a roster found later).
    S.INELIGIBLE: {S.IN_REVIEW: Can.DECIDE, S.WITHDRAWN: Can.DECIDE},
    S.APPROVED: {S.SCHEDULED: Can.SCHEDULE, S.IN_REVIEW: Can.DECIDE, S.WITHDRAWN: Can.DECIDE},
    # A scheduled family that misses its flight goes back to the approved pool.
    S.SCHEDULED: {S.BOARDED: Can.BOARD, S.APPROVED: Can.SCHEDULE, S.WITHDRAWN: Can.DECIDE},
    S.BOARDED: {S.ARRIVED: Can.BOARD},
    S.ARRIVED: {},
    # A withdrawal made under duress or by mistake can be undone.
    S.WITHDRAWN: {S.RECEIVED: Can.DECIDE},
}

OPEN_STATUSES = frozenset({S.RECEIVED, S.IN_REVIEW, S.ELIGIBLE, S.APPROVED, S.SCHEDULED})


def allowed_targets(current: str) -> dict[str, Can]:
    return TRANSITIONS.get(current, {})


def required_capability(current: str, target: str) -> Can | None:
    """The capability needed to move from current to target, or None when the move is not allowed."""
    return TRANSITIONS.get(current, {}).get(target)
