import itertools

from evac.core import references

SAMPLE = [references.new_reference() for _ in range(200)]


def test_a_new_reference_is_valid_and_readable():
    for ref in SAMPLE:
        assert len(ref) == references.LENGTH
        assert references.is_valid(ref)
        assert not set(ref) & set("01OIL")


def test_it_catches_every_single_mistyped_symbol():
    for ref in SAMPLE[:50]:
        for position, symbol in itertools.product(range(len(ref)), references.ALPHABET):
            if ref[position] == symbol:
                continue
            typo = ref[:position] + symbol + ref[position + 1 :]
            assert not references.is_valid(typo), (ref, typo)


def test_it_catches_every_swap_of_two_symbols():
    for ref in SAMPLE[:50]:
        for i, j in itertools.combinations(range(len(ref)), 2):
            if ref[i] == ref[j]:
                continue
            swapped = list(ref)
            swapped[i], swapped[j] = swapped[j], swapped[i]
            assert not references.is_valid("".join(swapped))


def test_it_reads_what_people_type():
    ref = SAMPLE[0]
    shown = references.display(ref)
    assert shown.count("-") == 2 and shown.replace("-", "") == ref
    assert references.is_valid(shown.lower())
    assert references.is_valid(" " + shown.replace("-", " ") + " ")
    assert references.normalise(shown.lower()) == ref


def test_it_rejects_junk():
    assert not references.is_valid("")
    assert not references.is_valid("123")
    assert not references.is_valid("O" * references.LENGTH)
    assert not references.is_valid(SAMPLE[0] + "2")
