"""Check-in at the gate under load: 20 agents scanning distinct passes at once, against PostgreSQL.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/evac_bench .venv/bin/python benchmarks/checkin.py

Each agent is a process of its own (as gunicorn's workers are) with a Django test client, so its own
database connection and session, signed in as its own check-in agent. For every pass it does what the
gate's page does online: POST the token to check/ (find the pass, verify the signature, show the family:
an audited read), then POST the board to scan/ (the conditional update, the GateScan row, the audit
event). Times are whole requests through Django's middleware, views, queries and JSON, measured around
each call: server time without the network. A scan's time is check + board (the agent's look at the
person in between is not counted). Target: a scan under 100 ms at the 95th percentile with 20 agents.

--think 0 (the default) has every agent send its next request the moment the last one returns: 20
requests always in flight on the machine's cores, a stress test. --think 1 has each agent take about a
second to look at the person before boarding and between people, which is still faster than a gate works.

Re-runs reuse the flight and its passes: every pass is set back to issued first.
"""

import argparse
import multiprocessing
import os
import statistics
import sys
import time
import uuid

from _django import percentile, setup


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--families", type=int, default=400)
    parser.add_argument("--scans-per-agent", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3, help="scans per agent before timing")
    parser.add_argument(
        "--think",
        type=float,
        default=0.0,
        help="seconds (about) an agent takes to look at the person before boarding, and between people; "
        "0 sends the next request at once (a stress test)",
    )
    args = parser.parse_args()
    url = setup()

    from django.conf import settings

    # The agents' sessions are made by force_login, with no second factor to show: what is measured is the
    # gate, not the sign-in. (Set after start-up: production settings refuse to load with it off.)
    settings.EVAC_REQUIRE_2FA = False

    from django.db import connection

    from evac.accounts.models import Organisation, User
    from evac.accounts.roles import Role
    from evac.accounts.services import add_member
    from evac.cases.models import Application
    from evac.conftest import make_case
    from evac.flights.models import BoardingPass, GateScan
    from evac.flights.passes import issue_passes, token_for
    from evac.flights.tests.gate_factories import make_flight, place
    from evac.programs.models import Program
    from evac.rosters.models import Employer
    from evac.situation.services import ensure_provinces

    ensure_provinces()
    organisation, created = Organisation.objects.get_or_create(
        slug="bench-gate", defaults={"name": "Gate bench"}
    )
    if created:
        Program.objects.create(organisation=organisation, slug="bench-gate", name="Bench")
        Employer.objects.create(organisation=organisation, name="Bench-Gate Armed Forces")
    flight = organisation.flights.filter(call_sign="BENCH01").first() or make_flight(organisation, "BENCH01")
    have = Application.objects.filter(organisation=organisation).count()
    if have < args.families:
        print(f"making {args.families - have} families on {url} ...", file=sys.stderr)
        for i in range(have, args.families):
            case = make_case(organisation, given_name=f"Bench{i}", children=i % 5)
            place(case, flight)
            issue_passes(case, flight, actor=None)
    agents = []
    for i in range(args.agents):
        user, made = User.objects.get_or_create(username=f"bench-gate-agent-{i}")
        if made:
            add_member(organisation, user, Role.CHECKIN_AGENT, actor=None)
        agents.append(user)

    GateScan.objects.filter(flight=flight).delete()
    BoardingPass.objects.filter(flight=flight).exclude(state="void").update(
        state="issued", scanned_at=None, scanned_by=None, gate=""
    )
    passes = list(
        BoardingPass.objects.filter(flight=flight, state="issued").select_related("flight", "person")
    )
    per_agent = args.scans_per_agent + args.warmup
    if len(passes) < args.agents * per_agent:
        sys.exit(f"{len(passes)} passes for {args.agents * per_agent} scans: raise --families")
    tokens = [token_for(bp) for bp in passes[: args.agents * per_agent]]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()

    base = f"/o/{organisation.slug}/gate/{flight.public_id}/"
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    barrier = context.Barrier(args.agents)
    processes = [
        context.Process(
            target=agent_run,
            args=(base, agents[i].pk, tokens[i * per_agent : (i + 1) * per_agent], args, barrier, results),
        )
        for i in range(args.agents)
    ]
    started = time.perf_counter()
    for process in processes:
        process.start()
    checks, boards, scans, cpu, errors = [], [], [], [], []
    for _process in processes:
        local_checks, local_boards, local_scans, local_cpu, local_errors = results.get()
        checks += local_checks
        boards += local_boards
        scans += local_scans
        cpu += local_cpu
        errors += local_errors
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    if errors:
        sys.exit("\n".join(errors[:10]))
    boarded = BoardingPass.objects.filter(flight=flight, state="boarded").count()
    print(
        f"{args.agents} agents (processes), think {args.think} s, {len(scans)} timed scans "
        f"({boarded} passes boarded), {elapsed:.1f} s wall"
    )
    print(f"throughput: {boarded / elapsed:.0f} scans/s; load average now {os.getloadavg()[0]:.1f}")
    print("| request | median ms | p95 ms | max ms |")
    print("|---|---|---|---|")
    rows = (
        ("check (find + show)", checks),
        ("board", boards),
        ("scan (check + board)", scans),
        ("scan, CPU of the Django process only", cpu),
    )
    for name, values in rows:
        print(
            f"| {name} | {statistics.median(values):.0f} | {percentile(values, 95):.0f} | {max(values):.0f} |"
        )


def agent_run(base: str, user_id: int, mine: list[str], args, barrier, results) -> None:
    """One agent, in a process of its own (forked after Django's set-up, with no connection open): what
    the gate's page sends for each pass, check then board, timed around each request."""
    import json
    import random

    from django.db import connection
    from django.test import Client

    from evac.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(pk=user_id))
    checks, boards, scans, cpu, errors = [], [], [], [], []
    think = random.Random(user_id)
    try:
        barrier.wait(timeout=120)
        for n, token in enumerate(mine):
            c0, t0 = time.process_time(), time.perf_counter()
            found = client.post(
                base + "check/", json.dumps({"token": token}), content_type="application/json"
            )
            c1, t1 = time.process_time(), time.perf_counter()
            if args.think:
                # The agent compares the face with the name and the document: seconds, not milliseconds.
                time.sleep(think.uniform(0.5, 1.5) * args.think)
            scan = {"client_id": str(uuid.uuid4()), "action": "board", "token": token, "gate": f"G{user_id}"}
            c2, t2 = time.process_time(), time.perf_counter()
            boarded = client.post(base + "scan/", json.dumps(scan), content_type="application/json")
            c3, t3 = time.process_time(), time.perf_counter()
            if (
                found.status_code != 200
                or boarded.status_code != 200
                or boarded.json()["outcome"] != "boarded"
            ):
                errors.append(f"agent {user_id}: {found.status_code} {boarded.content[:80]!r}")
                break
            if n >= args.warmup:
                checks.append((t1 - t0) * 1000)
                boards.append((t3 - t2) * 1000)
                scans.append((t1 - t0 + t3 - t2) * 1000)
                cpu.append((c1 - c0 + c3 - c2) * 1000)
            if args.think:
                time.sleep(think.uniform(0.5, 1.5) * args.think)
    except Exception as error:  # reported by the parent
        errors.append(f"agent {user_id}: {error!r}")
    finally:
        connection.close()
        results.put((checks, boards, scans, cpu, errors))


if __name__ == "__main__":
    main()
