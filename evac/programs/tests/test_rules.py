"""Each kind of rule, met and not met, and the overall answer."""

from datetime import date

import pytest

from evac.cases.models import EmploymentRole, Relationship
from evac.programs.rules import Claim, Facts, Member, Rules, evaluate, overall

TODAY = date(2021, 8, 14)
ANA = 7  # an employer's id


def claim(employer_id=ANA, role=EmploymentRole.INTERPRETER, start=date(2012, 1, 1), end=date(2014, 1, 1)):
    return Claim(employer_id, "Afghan National Army" if employer_id == ANA else "Somebody", role, start, end)


FAMILY = (
    Member(Relationship.SELF, 1985),
    Member(Relationship.SPOUSE, 1988),
    Member(Relationship.CHILD, 2012),
)


def result(facts: Facts, rules: Rules, rule: str):
    return next(r for r in evaluate(facts, rules, TODAY) if r.rule == rule)


def test_nothing_required_and_a_plain_family_is_eligible():
    results = evaluate(Facts(claims=(claim(),), members=FAMILY), Rules(), TODAY)
    assert all(r.met is True for r in results), results
    assert overall(results, {}) is True


@pytest.mark.parametrize(
    ("employer_id", "met"),
    [(ANA, True), (99, False), (None, None)],
    ids=["covered", "other", "not-recognised"],
)
def test_employer(employer_id, met):
    got = result(Facts(claims=(claim(employer_id),)), Rules(employer_ids=frozenset({ANA})), "employer")
    assert got.met is met


def test_no_employment_claimed_fails_employer_and_role():
    facts = Facts(members=FAMILY)
    assert result(facts, Rules(), "employer").met is False
    assert result(facts, Rules(), "role").met is False


def test_role():
    rules = Rules(roles=frozenset({EmploymentRole.INTERPRETER}))
    assert result(Facts(claims=(claim(),)), rules, "role").met is True
    cook = result(Facts(claims=(claim(role=EmploymentRole.COOK),)), rules, "role")
    assert cook.met is False and "Cook" in cook.why


def test_months_of_service_count_only_covered_work_inside_the_window():
    rules = Rules(
        min_months=12,
        roles=frozenset({EmploymentRole.INTERPRETER}),
        window_start=date(2013, 7, 1),
    )
    # 24 months worked, but only 6 of them after the window opens.
    short = result(Facts(claims=(claim(),)), rules, "months")
    assert short.met is False and "6 months" in short.why
    # Two covered periods add up; a cook's period does not count.
    longer = Facts(
        claims=(
            claim(start=date(2013, 7, 1), end=date(2014, 1, 1)),
            claim(start=date(2015, 1, 1), end=date(2015, 7, 1)),
            claim(role=EmploymentRole.COOK, start=date(2016, 1, 1), end=date(2019, 1, 1)),
        )
    )
    assert result(longer, rules, "months").met is True


def test_months_unknown_without_a_start_date_and_ongoing_work_counts_to_today():
    rules = Rules(min_months=12)
    assert result(Facts(claims=(claim(start=None),)), rules, "months").met is None
    assert result(Facts(claims=(claim(start=date(2021, 1, 1), end=None),)), rules, "months").met is False
    assert result(Facts(claims=(claim(start=date(2020, 1, 1), end=None),)), rules, "months").met is True


def test_service_window():
    rules = Rules(window_start=date(2001, 10, 7), window_end=date(2021, 8, 31))
    assert result(Facts(claims=(claim(),)), rules, "service_window").met is True
    before = claim(start=date(1995, 1, 1), end=date(1999, 1, 1))
    assert result(Facts(claims=(before,)), rules, "service_window").met is False
    assert result(Facts(claims=(claim(start=None),)), rules, "service_window").met is None


def test_citizenship_for_a_registry_of_nationals_abroad():
    rules = Rules(nationalities=frozenset({"canadian", "canada", "ca"}))
    assert result(Facts(nationality="Canadian"), rules, "nationality").met is True
    assert result(Facts(nationality="Afghan"), rules, "nationality").met is False
    assert result(Facts(nationality=""), rules, "nationality").met is None


def test_family_relationships_and_the_age_limit_for_children():
    rules = Rules(max_child_age=21)
    grown = (*FAMILY, Member(Relationship.CHILD, 1995))
    got = result(Facts(members=grown), rules, "family")
    assert got.met is False and "aged about 26" in got.why
    brother = (*FAMILY, Member(Relationship.SIBLING, 1990))
    assert "sibling" in result(Facts(members=brother), Rules(), "family").why
    wider = Rules(
        family=frozenset({Relationship.SELF, Relationship.SPOUSE, Relationship.CHILD, Relationship.SIBLING})
    )
    assert result(Facts(members=brother), wider, "family").met is True


def test_the_cap_counts_places_taken_and_not_the_case_twice():
    rules = Rules(people_cap=10)
    assert result(Facts(members=FAMILY, people_taken=7), rules, "cap").met is True
    assert result(Facts(members=FAMILY, people_taken=8), rules, "cap").met is False
    # An approved case is among the places taken already.
    assert result(Facts(members=FAMILY, people_taken=10, already_counted=True), rules, "cap").met is True


def test_overall_with_overrides():
    results = evaluate(Facts(claims=(claim(start=None),), members=FAMILY), Rules(min_months=12), TODAY)
    assert overall(results, {}) is None  # months unknown
    assert overall(results, {"months": True}) is True
    assert overall(results, {"months": False}) is False
