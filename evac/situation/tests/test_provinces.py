import pytest

from evac.situation.models import Province
from evac.situation.provinces import PROVINCES, resolve_province


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Kabul", "AF-KAB"),
        ("Kaboul", "AF-KAB"),
        ("کابل", "AF-KAB"),
        ("kabul city", "AF-KAB"),
        ("AF-KAB", "AF-KAB"),
        ("Hérat", "AF-HER"),
        ("Qandahar", "AF-KAN"),
        ("Nangrahar", "AF-NAN"),
        ("Jalalabad", "AF-NAN"),
        ("Mazar-e Charif", "AF-BAL"),
        ("Sar-i-Pul", "AF-SAR"),
        ("Paktia", "AF-PIA"),
        ("Paktika", "AF-PKA"),
        ("Paktya", "AF-PIA"),
    ],
)
def test_provinces_as_people_write_them(written, code):
    assert resolve_province(written) == code


@pytest.mark.parametrize("written", ["", "   ", "Islamabad", "Peshawar", "Kabu Paktik"])
def test_what_cannot_be_told_for_sure_is_not_guessed(written):
    assert resolve_province(written) is None


@pytest.mark.django_db
def test_the_34_provinces_come_with_the_migrations():
    assert Province.objects.count() == 34 == len(PROVINCES)
    assert Province.objects.get(code="AF-KAN").name_fa == "کندهار"
