"""After departure: who boarded against the manifest, and what follows for each family.

The gate marks each person's pass boarded (BoardingPass.state). When the planner marks the flight departed:
- a family all of whose people boarded moves to "boarded";
- a family of which nobody boarded did not show: its placement is removed and it goes back to "approved",
  so that the next allocation takes it;
- a family of which only some boarded moves to "boarded" (the family flew), and the people left behind are
  listed on the flight's report for an officer to open a case for them: a case travels whole or not at all,
  and an allocation cannot seat part of one.
Every pass not used is voided. Then each family is told, one message per family (evac/notify), in its
language. Status moves go through cases.services.change_status, with a reason, like any other.
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from evac.accounts.models import Membership
from evac.accounts.roles import Can
from evac.audit.services import COMMAND, Origin, record_event
from evac.cases.models import Application
from evac.cases.services import change_status
from evac.cases.workflow import Status
from evac.flights.models import BoardingPass, Flight, FlightStatus, Placement
from evac.notify.services import message_language, notify_applicants

FLIGHT = "flight"


def _lock(flight: Flight, membership: Membership) -> Flight:
    if not membership.can(Can.SCHEDULE) or flight.organisation_id != membership.organisation_id:
        raise PermissionDenied
    from evac.flights.services import _lock_plan

    _lock_plan(flight.organisation)
    return Flight.objects.select_for_update().select_related("organisation").get(pk=flight.pk)


def mark_departed(flight: Flight, membership: Membership, *, origin: Origin = COMMAND) -> dict:
    """Compare boarded with the manifest, move each family on, void the unused passes, tell the families.
    Returns the flight's departure report (also kept on the flight)."""
    with transaction.atomic():
        locked = _lock(flight, membership)
        if locked.status not in (FlightStatus.PLANNED, FlightStatus.BOARDING):
            raise ValidationError(_("Only a planned or boarding flight can depart."))
        when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        placements = list(
            Placement.objects.filter(flight=locked)
            .select_related("application")
            .order_by("application__reference")
        )
        boarded_people = set(
            BoardingPass.objects.filter(flight=locked, state=BoardingPass.State.BOARDED).values_list(
                "person_id", flat=True
            )
        )
        people = defaultdict(list)
        for application_id, person_id, public_id in (
            Placement.objects.filter(flight=locked)
            .values_list("application_id", "application__people__id", "application__people__public_id")
            .order_by("application_id", "application__people__id")
        ):
            if person_id is not None:
                people[application_id].append((person_id, str(public_id)))

        report = {
            "at": timezone.now().isoformat(),
            "boarded": [],
            "no_show": [],
            "partial": {},
            "skipped": [],
        }
        boarded_cases, no_shows = [], []
        for placement in placements:
            case = placement.application
            family = people[case.pk]
            on_board = [p for p in family if p[0] in boarded_people]
            if case.status != Status.SCHEDULED:
                report["skipped"].append(case.reference)  # withdrawn meanwhile: nothing to move
                continue
            if on_board:
                change_status(
                    case,
                    Status.BOARDED,
                    reason=_("Boarded flight {call_sign} ({when}).").format(
                        call_sign=locked.call_sign, when=when
                    ),
                    membership=membership,
                    origin=origin,
                )
                report["boarded"].append(case.reference)
                boarded_cases.append(case)
                if len(on_board) < len(family):
                    report["partial"][case.reference] = [p[1] for p in family if p[0] not in boarded_people]
            else:
                placement.delete()
                change_status(
                    case,
                    Status.APPROVED,
                    reason=_("Did not board flight {call_sign} ({when}): waiting for another flight.").format(
                        call_sign=locked.call_sign, when=when
                    ),
                    membership=membership,
                    origin=origin,
                )
                report["no_show"].append(case.reference)
                no_shows.append(case)
        voided = BoardingPass.objects.filter(flight=locked, state=BoardingPass.State.ISSUED).update(
            state=BoardingPass.State.VOID
        )
        report["passes_void"] = voided
        report["people_boarded"] = len(boarded_people)
        locked.status = FlightStatus.DEPARTED
        locked.departure_report = report
        locked.save(update_fields=["status", "departure_report", "updated_at"])
        record_event(
            "flight.departed",
            actor=membership.user,
            organisation=locked.organisation,
            target_type=FLIGHT,
            target_ref=str(locked.public_id),
            origin=origin,
            detail={
                "boarded": report["boarded"],
                "no_show": report["no_show"],
                "partial": sorted(report["partial"]),
                "people_boarded": len(boarded_people),
                "passes_void": voided,
            },
        )
    # The messages leave after the commit: a family must never be told of a move that was rolled back.
    notified = {
        "boarded": _tell(boarded_cases, "boarded", locked, membership, origin),
        "no_show": _tell(no_shows, "no_show", locked, membership, origin),
    }
    Flight.objects.filter(pk=locked.pk).update(departure_report={**report, "notified": notified})
    flight.status = FlightStatus.DEPARTED
    flight.departure_report = {**report, "notified": notified}
    return flight.departure_report


def mark_landed(flight: Flight, membership: Membership, *, origin: Origin = COMMAND) -> None:
    """The flight arrived: its boarded families arrived with it."""
    with transaction.atomic():
        locked = _lock(flight, membership)
        if locked.status != FlightStatus.DEPARTED:
            raise ValidationError(_("Only a flight that departed can land."))
        arrived = []
        for placement in Placement.objects.filter(flight=locked).select_related("application"):
            if placement.application.status == Status.BOARDED:
                change_status(
                    placement.application,
                    Status.ARRIVED,
                    reason=_("Flight {call_sign} landed at {destination}.").format(
                        call_sign=locked.call_sign, destination=locked.destination
                    ),
                    membership=membership,
                    origin=origin,
                )
                arrived.append(placement.application.reference)
        locked.status = FlightStatus.LANDED
        locked.save(update_fields=["status", "updated_at"])
        record_event(
            "flight.landed",
            actor=membership.user,
            organisation=locked.organisation,
            target_type=FLIGHT,
            target_ref=str(locked.public_id),
            origin=origin,
            detail={"arrived": arrived},
        )
    flight.status = FlightStatus.LANDED


def _message(kind: str, flight: Flight) -> tuple[str, str]:
    """Subject and text in the active language. Says no more than the family knows: no times or places
    that would help anyone waiting for the next flight's families at the gate."""
    if kind == "boarded":
        return (
            _("Your family is on its way"),
            _(
                "Our records show that your family boarded flight {call_sign} to {destination}. You will be "
                "met on arrival. Keep this reference number for everything that follows."
            ).format(call_sign=flight.call_sign, destination=flight.destination),
        )
    return (
        _("You were not on your flight"),
        _(
            "Our records show that your family did not board flight {call_sign}. Your case is back in the "
            "queue for the next flights, and we will write to you again with a new flight. Do not come to "
            "the airport until you are told to."
        ).format(call_sign=flight.call_sign),
    )


def _tell(
    cases: list[Application], kind: str, flight: Flight, membership: Membership, origin: Origin
) -> dict:
    """One message per family, each in the family's language: a report of sent, skipped and failed."""
    by_language = defaultdict(list)
    for case in cases:
        by_language[message_language(case)].append(case)
    report = {"sent": [], "skipped": [], "failed": {}}
    for language, group in by_language.items():
        with translation.override(language):
            subject, body = _message(kind, flight)
        result = notify_applicants(group, subject=subject, body=body, actor=membership.user, origin=origin)
        report["sent"] += result.sent
        report["skipped"] += result.skipped
        report["failed"].update(result.failed)
    return report
