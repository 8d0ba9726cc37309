"""The tables hold together: no family folds into another, every Perso-Arabic name reads as its Latin
spelling, and the demo generator's spellings (written separately, for the demo) are all recognised."""

import pytest

from evac.demo import names as generator_names
from evac.demo import spelling
from evac.matching import tables
from evac.matching.names import _FAMILY, Agreement, fold, normalise, similarity

MEET = {Agreement.EXACT, Agreement.FOLDED, Agreement.SKELETON}


def test_no_spelling_family_folds_into_another():
    for variant, canonical in _FAMILY.items():
        assert _FAMILY.get(canonical, canonical) == canonical, (variant, canonical)


def test_titles_are_written_as_names_are_normalised():
    for title in tables.LATIN_TITLES:
        assert normalise(title) == title
    for title in tables.NATIVE_TITLES:
        assert normalise(title) == title


@pytest.mark.parametrize(("latin", "spellings"), tables.NATIVE_NAMES)
def test_every_perso_arabic_name_reads_as_its_latin_spelling(latin, spellings):
    for native in spellings:
        assert fold(native) == fold(latin), native
        assert similarity(native, latin).agreement == Agreement.FOLDED


def test_every_perso_arabic_letter_of_the_names_has_a_skeleton_letter():
    letters = {ch for _latin, spellings in tables.NATIVE_NAMES for s in spellings for ch in normalise(s)}
    assert letters - {" "} <= set(tables.NATIVE_SKELETON)


# The generator writes a few forms that are not spellings of the name: "Kan" drops the h of Khan (a
# typo, not a transliteration), and Lailuma is a name of its own beside Laila.
NOT_SPELLINGS = {("Khan", "Kan"), ("Laila", "Lailuma")}


def test_the_demo_generators_spellings_meet():
    everyone = (
        generator_names.MALE_GIVEN_NAMES + generator_names.FEMALE_GIVEN_NAMES + generator_names.FAMILY_NAMES
    )
    missed = []
    for latin, native, _weight in everyone:
        pairs = [(latin, native), (latin, spelling.french_transliteration(latin))]
        pairs += [(latin, form) for form in spelling._compound_forms(latin)]
        pairs += [(word, v) for word in latin.split(" ") for v in spelling._token_variants(word)]
        pairs += [
            (native, native.replace(a, b, 1)) for a, b in generator_names.NATIVE_VARIANTS if a in native
        ]
        missed += [p for p in pairs if p not in NOT_SPELLINGS and similarity(*p).agreement not in MEET]
    assert missed == []
