"""Two agents scan the same pass at the same moment: exactly one boarding, and the other agent is told
where and by whom.

On PostgreSQL (DATABASE_URL), real threads with their own connections. SQLite's in-memory test database
answers a second writer with "table is locked" at once instead of waiting (its shared cache ignores the
busy timeout), so there the race is played out step by step instead: both agents find the pass issued,
then both try to board it.
"""

import threading
import uuid

import pytest
from django.db import connection
from django.utils import timezone

from evac.accounts.roles import Role
from evac.audit.models import AuditEvent
from evac.audit.services import Origin
from evac.conftest import make_case, make_org, make_user
from evac.flights import gate
from evac.flights.models import BoardingPass, GateScan
from evac.flights.passes import token_for
from evac.flights.tests.gate_factories import make_flight, placed_with_passes

WEB = Origin(ip="10.0.0.7")


def test_two_agents_who_both_saw_the_pass_issued_board_it_once(canada, agent, planner):
    flight = make_flight(canada)
    passes = placed_with_passes(make_case(canada), flight)
    token = token_for(passes[0])
    seen_by_agent = gate.locate(flight, token=token)
    seen_by_planner = gate.locate(flight, token=token)
    assert seen_by_agent.state == seen_by_planner.state == "issued"
    first = gate.ScanInput(uuid.uuid4(), "board", token=token, gate="A")
    second = gate.ScanInput(uuid.uuid4(), "board", token=token, gate="B")
    now = timezone.now()
    assert gate._decide(first, seen_by_agent, agent=agent, at=now, offline=False)[0] == "boarded"
    outcome, conflict = gate._decide(second, seen_by_planner, agent=planner, at=now, offline=False)
    assert outcome == "already_boarded" and conflict["gate"] == "A" and conflict["by"] == agent.username
    assert BoardingPass.objects.get(pk=passes[0].pk).scanned_by == agent


def scan_at_once(flight, agents, how: dict) -> list:
    barrier = threading.Barrier(len(agents))
    results: list = [None] * len(agents)
    errors: list = []

    def run(index, agent):
        try:
            barrier.wait(timeout=10)
            scan = gate.ScanInput(uuid.uuid4(), "board", gate=f"Gate {index}", **how)
            results[index] = gate.apply_scan(
                flight, scan, agent=agent, origin=Origin(), offline=False
            ).outcome
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(agents)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("by", ["token", "reference"])
def test_two_agents_scanning_one_pass_at_once_board_it_once(by):
    if connection.vendor != "postgresql":
        pytest.skip("real threads need PostgreSQL (DATABASE_URL); SQLite plays the race step by step above")
    canada = make_org("canada")
    agents = [make_user(canada, Role.CHECKIN_AGENT, f"agent{i}") for i in range(2)]
    flight = make_flight(canada)
    passes = placed_with_passes(make_case(canada), flight)
    how = {"token": token_for(passes[0])} if by == "token" else {"reference": passes[0].reference}
    for _round in range(3):
        outcomes = scan_at_once(flight, agents, how)
        assert sorted(outcomes) == ["already_boarded", "boarded"]
        how = (
            {"token": token_for(passes[_round + 1])}
            if by == "token"
            else {"reference": passes[_round + 1].reference}
        )
    boarded = BoardingPass.objects.filter(state="boarded")
    assert boarded.count() == 3
    assert GateScan.objects.filter(outcome="boarded").count() == 3
    assert GateScan.objects.filter(outcome="already_boarded").count() == 3
    assert AuditEvent.objects.filter(action="boarding_pass.board").count() == 3
