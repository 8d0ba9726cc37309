"""Matching measured, not guessed: generated applications and their employers' rosters (evac.demo.rosters),
loaded through the real import, matched in bulk, and compared with the truth.

Precision: of the claims whose best candidate is credible, the share matched to the claimant's own entry.
Recall: of the claims backed by the roster, the share so matched. Forged claims (no entry of their own)
count against precision when they are matched to anyone. The thresholds sit a little under what this seed
measured (precision 0.996, recall 0.89 with 700 applications; see benchmarks/roster_matching.py for the
same at 10,000 claims against 20,000 entries).
"""

import io
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command

from evac.demo.generator import generate
from evac.demo.loader import load_applications, load_roster
from evac.demo.rosters import generate_rosters
from evac.rosters.matching import CREDIBLE
from evac.rosters.models import Employer, RosterEntry
from evac.rosters.services import match_claims

EMPLOYERS = ("Canada Armed Forces", "Embassy of Canada to Afghanistan")
SEED = 2021


def accuracy(results: dict[str, tuple[str, float]], truth: dict[str, tuple[str, str]]) -> dict[str, float]:
    counts: Counter = Counter()
    for ref, (_employer, badge) in truth.items():
        found, probability = results.get(ref, ("", 0.0))
        counts["backed"] += bool(badge)
        if probability >= CREDIBLE:
            counts["matched"] += 1
            counts["right"] += bool(badge) and found == badge
    return {
        "precision": counts["right"] / max(1, counts["matched"]),
        "recall": counts["right"] / max(1, counts["backed"]),
        **counts,
    }


@pytest.mark.django_db
def test_matching_generated_claims_against_generated_rosters(canada):
    for name in EMPLOYERS[1:]:
        Employer.objects.create(organisation=canada, name=name)
    applications = list(generate(700, SEED, employers=EMPLOYERS))
    rosters = generate_rosters(applications, SEED)
    start = datetime(2021, 7, 1, tzinfo=datetime.now().astimezone().tzinfo)
    load_applications(
        canada, canada.programs.get(), applications, seed=SEED, start=start, end=start + timedelta(days=40)
    )
    for employer, rows in rosters.rows.items():
        load_roster(canada, employer, rows)
    assert RosterEntry.objects.count() == sum(len(rows) for rows in rosters.rows.values())

    results = {}
    for match in match_claims(canada):
        ref = match.application_ref.removeprefix("demo:")
        best = match.best
        results[ref] = (best.entry.badge, best.probability) if best and not best.suspicious else ("", 0.0)
    measured = accuracy(results, rosters.truth)
    print(f"\nroster matching on {len(applications)} generated claims: {measured}")
    assert measured["precision"] >= 0.99
    assert measured["recall"] >= 0.85
    # The forged claims that quote a real colleague's badge number are caught, not matched.
    stolen = [
        ref
        for ref, (_employer, badge) in rosters.truth.items()
        if not badge and results.get(ref, ("", 0))[1] >= CREDIBLE
    ]
    assert len(stolen) <= 2


@pytest.mark.django_db
def test_the_bulk_command_writes_each_claims_best_candidate(canada):
    applications = list(generate(60, SEED, employers=EMPLOYERS[:1]))
    rosters = generate_rosters(applications, SEED)
    start = datetime(2021, 7, 1, tzinfo=datetime.now().astimezone().tzinfo)
    load_applications(
        canada, canada.programs.get(), applications, seed=SEED, start=start, end=start + timedelta(days=40)
    )
    load_roster(canada, EMPLOYERS[0], rosters.rows[EMPLOYERS[0]])
    out = io.StringIO()
    call_command(
        "match_rosters", "--org", "canada", "--threshold", str(CREDIBLE), stdout=out, stderr=io.StringIO()
    )
    lines = out.getvalue().splitlines()
    assert lines[0] == "person_ref,application_ref,employer,badge_number,match_probability"
    rows = [line.split(",") for line in lines[1:]]
    assert len(rows) == 60
    right = 0
    for person_ref, application_ref, employer, badge, probability in rows:
        ref = application_ref.removeprefix("demo:")
        assert person_ref == f"{ref}-01" and employer == EMPLOYERS[0]
        if badge:
            assert float(probability) >= CREDIBLE
            right += badge == rosters.truth[ref][1]
        else:
            assert probability == ""
    assert right >= 40
