"""The roster generator tells the truth about every claim, and writes rosters as employers do."""

import io
from collections import Counter

from evac.demo.generator import generate
from evac.demo.rosters import ROSTER_COLUMNS, generate_rosters, write_roster_csv
from evac.matching.names import is_native


def rosters(count=800, seed=3):
    applications = list(generate(count, seed))
    return applications, generate_rosters(applications, seed)


def test_the_same_seed_gives_the_same_rosters_and_claims():
    first_apps, first = rosters()
    second_apps, second = rosters()
    assert first.rows == second.rows and first.truth == second.truth
    assert [a.rows[0]["badge_number"] for a in first_apps] == [a.rows[0]["badge_number"] for a in second_apps]


def test_every_genuine_claim_has_its_entry_on_its_employers_roster_and_no_forged_one_does():
    applications, generated = rosters()
    badges = {employer: {row["badge_number"] for row in rows} for employer, rows in generated.rows.items()}
    kinds = Counter(generated.kinds.values())
    assert kinds["forged"] > 0.05 * len(applications) and kinds["genuine"] > 0.8 * len(applications)
    for application in applications:
        employer, badge = generated.truth[application.application_ref]
        assert employer == application.rows[0]["employer"]
        if generated.kinds[application.application_ref] == "genuine":
            assert badge in badges[employer]
        else:
            assert badge == ""
    for rows in generated.rows.values():
        assert len({row["badge_number"] for row in rows}) == len(rows)  # one badge, one person


def test_rosters_hold_decoys_perso_arabic_entries_and_gaps():
    applications, generated = rosters()
    rows = [row for employer_rows in generated.rows.values() for row in employer_rows]
    genuine = sum(1 for kind in generated.kinds.values() if kind == "genuine")
    assert len(rows) > 1.5 * genuine  # other staff than the claimants
    assert sum(1 for r in rows if not r["given_name"] and is_native(r["native_name"][:1])) > 0.05 * len(rows)
    assert sum(1 for r in rows if not r["birth_date"]) > 0.1 * len(rows)
    assert sum(1 for r in rows if not r["father_name"]) > 0.1 * len(rows)
    # Brothers of claimants: the same father's and family name as a claimant, another given name.
    claimants = {
        (a.rows[0]["father_name"], a.rows[0]["family_name"]): a.rows[0]["given_name"] for a in applications
    }
    brothers = [
        r
        for r in rows
        if r["family_name"]
        and claimants.get((r["father_name"], r["family_name"])) not in (None, r["given_name"])
    ]
    assert len(brothers) > 10


def test_claims_state_badge_numbers_some_of_them_a_colleagues():
    applications, generated = rosters()
    stated = {a.application_ref: a.rows[0]["badge_number"] for a in applications if a.rows[0]["badge_number"]}
    assert 0.2 * len(applications) < len(stated) < 0.5 * len(applications)
    listed = {row["badge_number"] for rows in generated.rows.values() for row in rows}
    stolen = [ref for ref, badge in stated.items() if generated.kinds[ref] == "forged" and badge in listed]
    assert stolen  # a forged letter with a real colleague's number


def test_a_roster_is_written_as_csv_in_its_columns():
    _applications, generated = rosters(100)
    out = io.StringIO()
    _employer, rows = next(iter(generated.rows.items()))
    assert write_roster_csv(rows, out) == len(rows)
    assert out.getvalue().splitlines()[0] == ",".join(ROSTER_COLUMNS)
