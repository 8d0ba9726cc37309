from datetime import date

import pytest

from evac.core.dates import DateError, PartialDate, parse_partial_date

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("text", "expected", "precision"),
    [
        ("1987", PartialDate(1987), "year"),
        ("1987-05", PartialDate(1987, 5), "month"),
        ("1987-05-03", PartialDate(1987, 5, 3), "day"),
        ("03/05/1987", PartialDate(1987, 5, 3), "day"),
        (" 1987 ", PartialDate(1987), "year"),
        # Solar Hijri, as on a tazkira: 1365 began on 21 March 1986.
        ("1365", PartialDate(1986), "year"),
        ("1365/01/01", PartialDate(1986, 3, 21), "day"),
        ("1365/05/12", PartialDate(1986, 8, 3), "day"),
        ("۱۳۶۵/۰۵/۱۲", PartialDate(1986, 8, 3), "day"),
    ],
)
def test_it_reads_dates_as_people_write_them(text, expected, precision):
    parsed = parse_partial_date(text, today=TODAY)
    assert parsed == expected
    assert parsed.precision == precision


def test_a_year_alone_stays_a_year():
    parsed = parse_partial_date("1987", today=TODAY)
    assert parsed.month is None and parsed.day is None
    assert parsed.isoformat() == "1987"


def test_an_empty_cell_is_no_date():
    assert parse_partial_date("", today=TODAY) is None
    assert parse_partial_date("   ", today=TODAY) is None


@pytest.mark.parametrize(
    "text", ["1987-02-30", "31/04/1990", "2030", "2027-01-01", "yesterday", "12/1987", "1100", "1365/13/01"]
)
def test_it_refuses_impossible_future_and_unreadable_dates(text):
    with pytest.raises(DateError):
        parse_partial_date(text, today=TODAY)
