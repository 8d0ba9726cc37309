"""The allocation service: from the organisation's approved families to placements, statuses, passes and
the run's record."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evac.audit.models import AuditEvent
from evac.cases.models import Application, StatusChange
from evac.cases.workflow import Status
from evac.conftest import make_case
from evac.flights import planning, services
from evac.flights.models import AllocationRun, BoardingPass, FamilyLink, FlightStatus, Placement
from evac.flights.pool import read_pool
from evac.flights.tests.helpers import approved, make_flight, membership


def run(organisation, **kwargs):
    kwargs.setdefault("method", "greedy")
    kwargs.setdefault("bound", False)
    return services.allocate_seats(organisation, **kwargs)


def flight_of(case):
    placement = Placement.objects.filter(application=case).select_related("flight").first()
    return placement.flight if placement else None


def status(case):
    return Application.objects.get(pk=case.pk).status


def test_groups_count_people_stretchers_and_priority(canada):
    case = approved(canada, priority=7, children=3, stretcher=1)
    zero = approved(canada, priority=0, children=0)
    received = make_case(canada)  # not approved: not in the pool
    pool = read_pool(canada)
    groups = {g.key: g for g in pool.groups()}
    assert set(groups) == {case.reference, zero.reference}
    assert received.reference not in groups
    family = groups[case.reference]
    assert (family.people, family.medical_places, family.priority) == (5, 1, 8.0)
    assert groups[zero.reference].priority == 1.0


def test_most_urgent_first_on_the_earliest_flight_and_statuses_follow(canada, planner):
    early, late = make_flight(canada, seats=4, hours=0), make_flight(canada, seats=4, hours=24)
    urgent, less, least = (approved(canada, priority=p) for p in (50, 20, 5))
    result = run(canada, actor=planner)
    assert result.state == AllocationRun.State.DONE
    assert flight_of(urgent) == early and flight_of(less) == late and flight_of(least) is None
    assert (result.families_placed, result.people_placed, result.families_left_out) == (2, 8, 1)
    assert result.left_out == {least.reference: "lower_priority"}
    assert result.changes["placed"] == 2 and result.objective > 0
    assert status(urgent) == status(less) == Status.SCHEDULED and status(least) == Status.APPROVED
    change = StatusChange.objects.filter(application=urgent).latest("at")
    assert (change.from_status, change.to_status, change.actor) == ("approved", "scheduled", planner)
    event = AuditEvent.objects.get(action="allocation.run")
    assert event.target_ref == str(result.public_id) and event.actor == planner
    assert event.detail["placed_on"] == {
        urgent.reference: str(early.public_id),
        less.reference: str(late.public_id),
    }
    assert AuditEvent.objects.filter(action="case.status", target_ref=urgent.reference).exists()


def test_a_family_no_aircraft_can_take_and_a_family_that_no_longer_fits(canada):
    make_flight(canada, seats=4)
    big = approved(canada, priority=90, children=6)  # 8 people on a 4-seat aircraft
    stretcher = approved(canada, priority=80, children=0, stretcher=0)
    result = run(canada)
    assert result.left_out[big.reference] == "no_flight_large_enough"
    assert flight_of(stretcher) is not None


def test_a_stretcher_needs_a_medical_place(canada):
    plain = make_flight(canada, seats=10, hours=0)
    medical = make_flight(canada, seats=10, hours=5, medical_places=1)
    case = approved(canada, priority=50, children=1, stretcher=1)
    run(canada)
    assert flight_of(case) == medical != plain


def test_pins_are_honoured_and_a_pinned_family_stays_through_reruns(canada, planner):
    early, late = make_flight(canada, seats=4, hours=0), make_flight(canada, seats=4, hours=24)
    urgent = approved(canada, priority=50)
    planning.pin_family(urgent, late, membership(planner, canada))
    assert status(urgent) == Status.SCHEDULED
    other = approved(canada, priority=10)
    run(canada)
    run(canada)
    assert flight_of(urgent) == late and Placement.objects.get(application=urgent).pinned
    assert flight_of(other) == early


def test_holds_keep_a_family_back_with_its_reason_and_take_its_seat_away(canada, planner):
    flight = make_flight(canada, seats=8)
    case, other = approved(canada, priority=50), approved(canada, priority=5)
    run(canada)
    assert flight_of(case) == flight
    person = case.people.first()
    BoardingPass.objects.create(flight=flight, person=person, nonce="n1")
    planning.hold_family(case, membership(planner, canada), reason="Passport to check")
    assert flight_of(case) is None and status(case) == Status.APPROVED
    assert BoardingPass.objects.get(person=person).state == BoardingPass.State.VOID
    result = run(canada)
    assert result.left_out == {case.reference: "held"}
    assert flight_of(other) == flight
    planning.release_family(case, membership(planner, canada))
    run(canada)
    assert flight_of(case) == flight == flight_of(other)


def test_holding_needs_a_reason_and_the_planners_role(canada, planner, officer):
    case = approved(canada)
    with pytest.raises(ValidationError):
        planning.hold_family(case, membership(planner, canada), reason="  ")
    with pytest.raises(PermissionDenied):
        planning.hold_family(case, membership(officer, canada), reason="no")


def test_linked_families_fly_together_at_the_most_urgent_priority(canada, planner):
    small = make_flight(canada, seats=4, hours=0)
    big = make_flight(canada, seats=8, hours=10)
    parent = approved(canada, priority=90, children=0, given_name="Gul Bibi")
    son = approved(canada, priority=1, children=0, given_name="Noor Ahmad")
    rival = approved(canada, priority=50, children=2)
    planning.link_families(parent, son, membership(planner, canada), reason="elderly mother")
    run(canada)
    assert flight_of(parent) == flight_of(son)
    # Together they are 4: the most urgent member's priority took them onto the first flight, ahead of
    # the rival (50), which the son alone (1) would never have beaten.
    assert flight_of(parent) == small and flight_of(rival) == big


def test_a_family_linked_to_one_not_approved_yet_waits_for_it(canada, planner):
    make_flight(canada, seats=20)
    ready = approved(canada, priority=50)
    pending = make_case(canada)  # received: still on its way to approval
    planning.link_families(ready, pending, membership(planner, canada))
    result = run(canada)
    assert result.left_out == {ready.reference: "linked_waiting"}
    assert flight_of(ready) is None


def test_linked_families_cannot_be_pinned_apart(canada, planner):
    one, two = make_flight(canada, seats=8), make_flight(canada, seats=8, hours=3)
    a, b = approved(canada), approved(canada)
    m = membership(planner, canada)
    planning.pin_family(a, one, m)
    planning.pin_family(b, two, m)
    with pytest.raises(ValidationError):
        planning.link_families(a, b, m)
    assert not FamilyLink.objects.exists()


def test_a_last_minute_capacity_change_moves_as_few_notified_families_as_it_must(canada, planner):
    first = make_flight(canada, seats=12, hours=0)
    second = make_flight(canada, seats=16, hours=24)
    families = [approved(canada, priority=p) for p in (60, 50, 40, 30, 20, 10)]  # 6 x 4 people
    run(canada)
    Placement.objects.update(notified_at=timezone.now())
    before = {f.pk: flight_of(f) for f in families}
    assert sum(1 for f in before.values() if f == first) == 3
    passes = [
        BoardingPass.objects.create(flight=before[f.pk], person=f.people.first(), nonce=f"n{f.pk}")
        for f in families
    ]
    # The loadmaster: the first aircraft takes 8, not 12. One family must leave it; the others stay.
    planning.update_flight(first, membership(planner, canada), {"seats": 8})
    result = run(canada)
    after = {f.pk: flight_of(f) for f in families}
    moved = [pk for pk in before if before[pk] != after[pk]]
    assert len(moved) == 1, moved
    assert result.changes["notified_moved"] == 1
    assert sum(1 for f in after.values() if f == first) == 2
    states = {p.person.application_id: BoardingPass.objects.get(pk=p.pk).state for p in passes}
    assert states[moved[0]] == BoardingPass.State.VOID
    assert all(state == BoardingPass.State.ISSUED for pk, state in states.items() if pk not in moved)
    # The family moved is on the second flight, and must be told again.
    placement = Placement.objects.get(application_id=moved[0])
    assert placement.flight == second and placement.notified_at is None


def test_a_plan_changed_while_computing_is_not_overwritten(canada, planner, monkeypatch):
    flight = make_flight(canada, seats=8)
    case = approved(canada, priority=50)
    other = approved(canada, priority=10)
    real_allocate = services.allocate

    def allocate_while_a_planner_pins(*args, **kwargs):
        result = real_allocate(*args, **kwargs)
        if not Placement.objects.exists():
            planning.pin_family(other, flight, membership(planner, canada))
        return result

    monkeypatch.setattr(services, "allocate", allocate_while_a_planner_pins)
    result = run(canada)
    # The first answer was thrown away; the second saw the pin.
    assert result.state == AllocationRun.State.DONE
    assert Placement.objects.get(application=other).pinned
    assert flight_of(case) == flight


def test_the_rolling_horizon_reports_its_bound_and_gap(canada):
    make_flight(canada, seats=8, hours=0)
    make_flight(canada, seats=8, hours=5)
    for p in (40, 30, 20, 10, 5):
        approved(canada, priority=p)
    result = services.allocate_seats(canada, time_limit=20)
    assert result.state == AllocationRun.State.DONE
    assert result.lp_bound is not None and result.lp_bound >= result.objective
    assert result.gap is not None and 0 <= result.gap < 0.5
    assert result.solver


def test_a_doubled_click_starts_one_run(canada, planner):
    m = membership(planner, canada)
    first, created = services.start_allocation(m)
    second, created_again = services.start_allocation(m)
    assert created and not created_again and first == second
    with pytest.raises(ValidationError):
        services.allocate_seats(canada)


def test_a_cancelled_flight_sends_its_families_back_to_the_queue(canada, planner):
    flight = make_flight(canada, seats=8)
    case = approved(canada)
    run(canada)
    person = case.people.first()
    BoardingPass.objects.create(flight=flight, person=person, nonce="x")
    planning.set_flight_status(flight, FlightStatus.CANCELLED, membership(planner, canada))
    assert status(case) == Status.APPROVED and flight_of(case) is None
    assert BoardingPass.objects.get(person=person).state == BoardingPass.State.VOID
    result = run(canada)
    assert result.left_out == {case.reference: "no_flight_large_enough"}


def test_families_on_a_boarding_flight_are_left_where_they_are(canada, planner):
    flight = make_flight(canada, seats=4)
    make_flight(canada, seats=8, hours=5)
    case = approved(canada, priority=1)
    run(canada)
    planning.set_flight_status(flight, FlightStatus.BOARDING, membership(planner, canada))
    approved(canada, priority=99)
    run(canada)
    assert flight_of(case) == flight
