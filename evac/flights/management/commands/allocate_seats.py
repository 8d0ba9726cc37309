from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from evac.accounts.models import Membership, Organisation, User
from evac.accounts.roles import Can
from evac.flights.allocation import DEFAULT_TIME_LIMIT, METHODS
from evac.flights.models import AllocationRun
from evac.flights.services import allocate_seats


class Command(BaseCommand):
    help = (
        "Allocate the organisation's approved families to its planned flights now (as the flight board's "
        "button does in the background), and print what was placed, the objective, the LP bound and the gap."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="the organisation's slug")
        parser.add_argument("--by", help="the username of the flight planner running this, for the audit log")
        parser.add_argument("--method", choices=METHODS, default="rolling")
        parser.add_argument(
            "--seconds", type=float, default=DEFAULT_TIME_LIMIT, help="time limit of the allocation"
        )

    def handle(self, *args, org, by, method, seconds, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"no organisation {org!r}")
        actor = None
        if by:
            actor = User.objects.filter(username=by).first()
            member = (
                Membership.objects.filter(user=actor, organisation=organisation).first() if actor else None
            )
            if member is None or not member.can(Can.SCHEDULE):
                raise CommandError(f"{by!r} is not a flight planner of {org}")
        if seconds <= 0:
            raise CommandError("--seconds must be more than 0")
        try:
            run = allocate_seats(organisation, actor=actor, method=method, time_limit=seconds)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if run.state != AllocationRun.State.DONE:
            raise CommandError(f"allocation failed: {run.failure}")
        out = self.stdout.write
        out(f"families placed: {run.families_placed:,}")
        out(f"people placed:   {run.people_placed:,}")
        out(f"families left out: {run.families_left_out:,}")
        out(f"objective: {run.objective:,.1f}")
        out(
            f"LP bound:  {run.lp_bound:,.1f}"
            if run.lp_bound is not None
            else "LP bound:  not computed in time"
        )
        out(f"gap:       {run.gap * 100:.3f} %" if run.gap is not None else "gap:       unknown")
        changes = run.changes
        out(
            f"changes: {changes.get('placed', 0)} placed, {changes.get('moved', 0)} moved, "
            f"{changes.get('removed', 0)} taken off ({changes.get('notified_moved', 0)} already told their flight), "
            f"{changes.get('passes_void', 0)} boarding passes voided"
        )
        out(f"solver: {run.solver}, {run.seconds:.1f} s")
        for note in run.notes:
            out(f"note: {note}")
