"""Roles and what each may do. A table, so that a permission question is answered in one place."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    INTAKE_CLERK = "intake_clerk", _("Intake clerk")
    CASE_OFFICER = "case_officer", _("Case officer")
    VERIFIER = "verifier", _("Verifier")
    FLIGHT_PLANNER = "flight_planner", _("Flight planner")
    CHECKIN_AGENT = "checkin_agent", _("Check-in agent")
    AUDITOR = "auditor", _("Auditor")
    ORG_ADMIN = "org_admin", _("Organisation admin")


class Can(StrEnum):
    VIEW_CASES = "view_cases"
    CREATE_CASES = "create_cases"
    EDIT_CASES = "edit_cases"
    DECIDE = "decide"  # move a case through review, eligibility and approval
    ASSIGN = "assign"
    VERIFY_EMPLOYMENT = "verify_employment"
    SCHEDULE = "schedule"  # approved <-> scheduled: the flight planner's moves
    BOARD = "board"  # scheduled -> boarded -> arrived
    RECORD_SITUATION = "record_situation"  # a province's status changed: re-ranks its cases
    VIEW_AUDIT = "view_audit"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_PROGRAMS = "manage_programs"
    MESSAGE_APPLICANTS = "message_applicants"  # write to an applicant (evac/notify), one at a time
    # The flight board: which family flies when, from where. Where and when families gather is what those
    # hunting them want most, so it is shown to those who act on it: the planners who fill the flights and
    # the case officers who answer the families and write to them. Clerks and verifiers do not need it; the
    # check-in agent sees the passes at the gate, not the plan.
    VIEW_FLIGHTS = "view_flights"
    # Load an employer's roster and follow the import (evac/rosters). The import's pages show counts and
    # the lines of bad rows, never a name: reading roster entries is VERIFY_EMPLOYMENT's, beside a claim.
    MANAGE_ROSTERS = "manage_rosters"


# Least privilege: the auditor reads the log and nothing else; the org admin runs the organisation but
# does not read case files; the check-in agent gets the gate pages when flights arrive. Rosters come from
# employers through the verifier who uses them or the org admin who deals with the employer: both may load
# one, and neither the clerk nor the officer, so that the check against forged letters is not in the hands
# of those who register and decide the claims.
ROLE_CAPABILITIES: dict[str, frozenset[Can]] = {
    Role.INTAKE_CLERK: frozenset({Can.VIEW_CASES, Can.CREATE_CASES, Can.EDIT_CASES}),
    Role.CASE_OFFICER: frozenset(
        {
            Can.VIEW_CASES,
            Can.CREATE_CASES,
            Can.EDIT_CASES,
            Can.DECIDE,
            Can.ASSIGN,
            Can.RECORD_SITUATION,
            Can.MESSAGE_APPLICANTS,
            Can.VIEW_FLIGHTS,
        }
    ),
    Role.VERIFIER: frozenset({Can.VIEW_CASES, Can.VERIFY_EMPLOYMENT, Can.MANAGE_ROSTERS}),
    Role.FLIGHT_PLANNER: frozenset(
        {Can.VIEW_CASES, Can.VIEW_FLIGHTS, Can.SCHEDULE, Can.BOARD, Can.RECORD_SITUATION}
    ),
    Role.CHECKIN_AGENT: frozenset({Can.BOARD}),
    Role.AUDITOR: frozenset({Can.VIEW_AUDIT}),
    Role.ORG_ADMIN: frozenset({Can.MANAGE_MEMBERS, Can.MANAGE_PROGRAMS, Can.MANAGE_ROSTERS}),
}


def capabilities(role: str) -> frozenset[Can]:
    return ROLE_CAPABILITIES.get(role, frozenset())
