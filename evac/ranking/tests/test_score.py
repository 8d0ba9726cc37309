"""The priority score: explicit terms that add up, and each kind of fact counted."""

from datetime import UTC, date, datetime

from evac.cases.models import EmploymentRole, Relationship, Sex, VerificationState
from evac.ranking import weights
from evac.ranking.score import CaseFacts, PersonFacts, base_terms, province_points

TODAY = date(2021, 8, 14)
W = weights.defaults()


def terms_of(facts: CaseFacts) -> dict[str, int]:
    return {t.term: t.points for t in base_terms(facts, W, TODAY)}


def test_the_most_exposed_role_counts_once():
    facts = CaseFacts(roles=frozenset({EmploymentRole.CLEANER, EmploymentRole.INTERPRETER}))
    assert terms_of(facts) == {"role": 40}
    assert terms_of(CaseFacts(roles=frozenset({EmploymentRole.CLEANER}))) == {"role": 10}


def test_an_interpreter_outranks_a_cleaner_and_verification_adds():
    interpreter = sum(terms_of(CaseFacts(roles=frozenset({EmploymentRole.INTERPRETER}))).values())
    cleaner = sum(terms_of(CaseFacts(roles=frozenset({EmploymentRole.CLEANER}))).values())
    verified = CaseFacts(
        roles=frozenset({EmploymentRole.CLEANER}), verifications=frozenset({VerificationState.VERIFIED})
    )
    assert interpreter > cleaner
    assert terms_of(verified)["verified_employment"] == 20


def test_vulnerability_terms():
    family = (
        PersonFacts(Relationship.SELF, Sex.FEMALE, 1985),
        PersonFacts(Relationship.CHILD, "", 2019),
        PersonFacts(Relationship.CHILD, "", 2020),
        PersonFacts(Relationship.CHILD, "", 2018),
        PersonFacts(Relationship.CHILD, "", 2017),
        PersonFacts(Relationship.PARENT, Sex.MALE, 1950, medical_needs=True),
    )
    got = terms_of(CaseFacts(people=family))
    # Four children under five at 5 points each would be 20: the cap is 15.
    assert got == {"children_under_5": 15, "older_person": 5, "medical_needs": 10, "woman_heads_family": 10}


def test_an_unknown_birth_year_is_not_a_small_child():
    assert terms_of(CaseFacts(people=(PersonFacts(Relationship.CHILD, "", None),))) == {}


def test_waiting_counts_whole_weeks_up_to_the_cap():
    assert terms_of(CaseFacts(received=datetime(2021, 8, 1, 9, tzinfo=UTC))) == {"waiting": 1}
    assert terms_of(CaseFacts(received=date(2021, 8, 10))) == {}
    assert terms_of(CaseFacts(received=date(2020, 1, 1))) == {"waiting": 10}


def test_province_points_follow_its_status_and_an_unknown_one_is_in_between():
    assert province_points("fallen", W) == 30
    assert province_points("government", W) == 0
    assert province_points(None, W) == 10


def test_edited_weights_are_used_and_missing_ones_keep_their_default():
    table = weights.complete({"role": {"cleaner": 35}, "other": {"no_such_weight": 3}})
    assert table["role"]["cleaner"] == 35 and table["role"]["interpreter"] == 40
    assert "no_such_weight" not in table["other"]
