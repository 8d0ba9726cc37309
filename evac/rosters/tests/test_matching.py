"""Matching one claim against roster entries: spelling variants in Latin letters and across scripts, the
people a matcher must not confuse (brothers, namesakes), badge numbers, and the evidence in plain words."""

from datetime import date

import pytest

from evac.rosters.matching import (
    CREDIBLE,
    Frequencies,
    Record,
    RosterIndex,
    badge_key,
    blocking_keys,
    rank,
    score,
    value_keys,
)

TODAY = date(2021, 8, 15)
CLAIM = Record(
    given="Mohammad Wali",
    family="Ahmadzai",
    father="Gul Ahmad",
    birth_year=1986,
    role="interpreter",
    start=date(2008, 3, 1),
    end=date(2013, 6, 30),
)


def roster_of(*entries: Record, others: int = 400) -> Frequencies:
    """The name frequencies of a roster holding these entries among `others` people with other names."""
    counts: dict[str, int] = {}
    for entry in entries:
        for key in value_keys(entry):
            counts[key] = counts.get(key, 0) + 1
    return Frequencies(counts, len(entries) + others)


def match(claim: Record, entry: Record, **kwargs):
    return score(claim, entry, roster_of(entry), today=TODAY, **kwargs)


@pytest.mark.parametrize(
    "entry",
    [
        # Another Latin spelling of every name.
        Record("Muhammad Vali", "Ahmadzay", "Gol Ahmed", birth_year=1986, role="interpreter"),
        # French transliteration, accents included.
        Record("Mohamed Ouali", "Ahmadzaï", "Goul Ahmad", birth_year=1986, role="interpreter"),
        # Joined and hyphenated forms, a title, the year from a Solar Hijri date read as the next year.
        Record("Haji Mohammadwali", "Ahmad-zai", "Gulahmad", birth_year=1987, role="interpreter"),
        # A roster kept in Dari: the names in Perso-Arabic script only.
        Record(native="محمد ولی احمدزی", father="گل احمد", birth_year=1986, role="interpreter"),
        # The family name left out, the employment dates a few months off.
        Record("Mohammad Wali", father="Gul Ahmad", birth_year=1986, start=date(2008, 5, 1)),
    ],
    ids=["latin", "french", "joined-title-hijri", "perso-arabic-only", "family-dropped"],
)
def test_spelling_variants_of_the_claimant_are_credible(entry):
    candidate = match(CLAIM, entry)
    assert candidate.credible, [(e.field, e.level, e.weight) for e in candidate.evidence]
    assert candidate.probability >= CREDIBLE


def test_a_claim_in_perso_arabic_script_meets_a_latin_roster():
    claim = Record(native="محمد ولی احمدزی", father="گل احمد", birth_year=1986, role="interpreter")
    entry = Record("Mohammad Wali", "Ahmadzai", "Gul Ahmad", birth_year=1986, role="interpreter")
    candidate = match(claim, entry)
    assert candidate.credible
    assert candidate.on("native").tone == "agrees"
    assert candidate.on("father").tone == "agrees"


def test_a_brother_on_the_roster_is_not_the_claimant():
    # Same father, same family name, same employer: another man.
    brother = Record("Abdul Rahman", "Ahmadzai", "Gul Ahmad", birth_year=1983, role="interpreter")
    candidate = match(CLAIM, brother)
    assert not candidate.credible
    assert candidate.probability < 0.05
    assert candidate.on("given").level == "differs"
    assert candidate.on("father").tone == "agrees"
    # Their family and father's names are one piece of evidence: brothers share both.
    assert "brothers share both" in str(candidate.on("family").reason)


def test_a_namesake_with_another_father_and_age_is_not_the_claimant():
    namesake = Record("Mohammad Wali", "Ahmadzai", "Abdul Karim", birth_year=1975, role="driver")
    assert not match(CLAIM, namesake).credible


def test_a_common_name_alone_is_not_enough_but_a_rare_one_counts_for_more():
    claim = Record("Mohammad", birth_year=1980, role="cook")
    entry = Record("Mohammad", birth_year=1980, role="cook")
    # Mohammad is a fifth of this roster; Qudratullah is one man on it.
    common = Frequencies({k: 80 for k in value_keys(entry)}, 400)
    assert not score(claim, entry, common, today=TODAY).credible
    rare_claim = Record("Qudratullah", birth_year=1980, role="cook")
    rare_entry = Record("Qudratullah", birth_year=1980, role="cook")
    rare = score(rare_claim, rare_entry, roster_of(rare_entry), today=TODAY)
    assert rare.on("given").weight > score(claim, entry, common, today=TODAY).on("given").weight + 5
    assert rare.on("given").shared_by == 1


def test_the_same_badge_number_makes_a_match_near_certain():
    claim = Record("Mohammad", father="Gul Ahmad", badge="caf 004211")
    entry = Record("Muhammad", "Ahmadzai", badge="CAF-004211")
    candidate = match(claim, entry)
    # Only a common given name besides: the badge alone takes it past the threshold.
    assert candidate.probability > 0.98 and candidate.credible
    assert candidate.on("badge").level == "same" and not candidate.suspicious
    without = match(Record("Mohammad", father="Gul Ahmad"), entry)
    assert not without.credible
    full = match(
        Record(**{**CLAIM.__dict__, "badge": "CAF-004211"}), Record(**{**CLAIM.__dict__, "badge": "CAF4211"})
    )
    assert full.probability > 0.9999


def test_the_same_badge_number_under_another_name_is_suspicious_and_never_credible():
    # A real colleague's number on a forged letter.
    claim = Record("Zabihullah", "Popalzai", "Faiz Mohammad", birth_year=1990, badge="CAF-004211")
    entry = Record("Mohammad Wali", "Ahmadzai", "Gul Ahmad", birth_year=1986, badge="CAF-004211")
    candidate = match(claim, entry)
    assert candidate.suspicious and not candidate.credible
    assert candidate.probability < 0.01
    assert "forged" in str(candidate.on("badge").reason)


def test_another_badge_number_counts_against():
    with_badge = match(
        CLAIM, Record("Mohammad Wali", "Ahmadzai", "Gul Ahmad", birth_year=1986, badge="CAF-1")
    )
    claim = Record(**{**CLAIM.__dict__, "badge": "CAF-2"})
    other = match(claim, Record("Mohammad Wali", "Ahmadzai", "Gul Ahmad", birth_year=1986, badge="CAF-1"))
    assert other.weight < with_badge.weight
    assert other.on("badge").level == "differs"


def test_every_field_has_its_evidence_in_plain_words():
    entry = Record("Muhammad Vali", "", "Gul Ahmad", birth_year=1987, role="driver", start=date(2015, 1, 1))
    candidate = match(CLAIM, entry)
    reasons = {e.field: str(e.reason) for e in candidate.evidence}
    assert set(reasons) == {"given", "family", "father", "native", "birth_year", "role", "dates", "badge"}
    assert reasons["given"] == "agrees after spelling folding"
    assert reasons["family"] == "not given on one side"
    assert reasons["birth_year"].startswith("one year apart")
    assert reasons["role"] == "another role"
    assert reasons["dates"] == "the periods do not overlap"
    assert {e.field: e.tone for e in candidate.evidence}["dates"] == "differs"


def test_given_and_family_name_the_other_way_round_still_agree():
    entry = Record("Ahmadzai", "Mohammad Wali", "Gul Ahmad", birth_year=1986)
    candidate = match(CLAIM, entry)
    assert candidate.on("given").tone == "agrees"
    assert candidate.credible


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("CAF-004211", "CAF4211"),
        ("caf 4211", "CAF4211"),
        (" 0042 ", "42"),
        ("۰۰۴۲", "42"),
        ("000", "0"),
        ("", ""),
    ],
)
def test_badge_numbers_compare_without_case_spaces_dashes_or_leading_zeros(written, key):
    assert badge_key(written) == key


def test_two_spellings_of_one_person_share_a_blocking_key_and_strangers_do_not():
    entry = Record(native="محمد ولی احمدزی", father="گل احمد", birth_year=1986)
    french = Record("Mohamed Ouali", "Ahmadzaï", "Goul Ahmad")
    claim_keys = blocking_keys(CLAIM, claim=True)
    assert claim_keys & blocking_keys(entry)
    assert claim_keys & blocking_keys(french)
    stranger = Record("Mohammad", "Barakzai", "Abdul Karim", birth_year=1970)
    assert not claim_keys & blocking_keys(stranger)


def test_the_index_finds_the_claimant_among_many_and_ranks_him_first():
    claimant = Record(
        "Muhammad Vali", "Ahmadzay", "Gol Ahmad", birth_year=1986, role="interpreter", ref="right"
    )
    brother = Record(
        "Abdul Rahman", "Ahmadzai", "Gul Ahmad", birth_year=1983, role="interpreter", ref="brother"
    )
    others = [
        Record("Mohammad", f"Other{i}", "Sayed Jan", birth_year=1960 + i % 30, ref=f"o{i}")
        for i in range(300)
    ]
    index = RosterIndex([*others, brother, claimant])
    best = index.candidates(CLAIM, today=TODAY)
    assert best[0].entry.ref == "right" and best[0].credible
    assert all(not c.credible for c in best[1:])


def test_a_badge_finds_its_entry_whatever_the_names():
    index = RosterIndex(
        [Record("Someone Else", badge="CAF-9", ref="badge"), Record("Mohammad Wali", ref="name")]
    )
    claim = Record("Zabihullah", badge="caf9")
    assert "badge" in [e.ref for e in index.pool(claim)]


def test_rank_puts_the_credible_first():
    entries = [
        Record("Abdul Rahman", "Ahmadzai", "Gul Ahmad", birth_year=1983, ref="brother"),
        Record("Mohammad Wali", "Ahmadzai", "Gul Ahmad", birth_year=1986, role="interpreter", ref="him"),
    ]
    ranked = rank(CLAIM, entries, roster_of(*entries), today=TODAY)
    assert [c.entry.ref for c in ranked] == ["him", "brother"]
