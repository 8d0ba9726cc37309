"""Dates as people really give them: often a year alone, sometimes in the Solar Hijri calendar.

A date keeps its precision: "1987" stays a year and never becomes 1 January 1987. Afghan documents
write dates in the Solar Hijri calendar; a year below 1500 can only be one of those (1365 is 1986/87).
"""

import re
from dataclasses import dataclass
from datetime import date

import jdatetime

# Solar Hijri years start at Nowruz (about 21 March): three quarters of year Y falls in Y + 621.
SOLAR_HIJRI_OFFSET = 621
SOLAR_HIJRI_MAX_YEAR = 1500

_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


class DateError(ValueError):
    """A date that cannot be read, or that cannot exist."""


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise DateError("a day needs a month")
        # Raises ValueError for 31 April and friends.
        date(self.year, self.month or 1, self.day or 1)

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    def isoformat(self) -> str:
        if self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def earliest(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        return self.isoformat()


def _from_solar_hijri(year: int, month: int | None, day: int | None) -> PartialDate:
    if month is None:
        return PartialDate(year + SOLAR_HIJRI_OFFSET)
    try:
        gregorian = jdatetime.date(year, month, day or 1).togregorian()
    except ValueError as error:
        raise DateError(f"not a Solar Hijri date: {year}/{month}/{day}") from error
    if day is None:
        # A Hijri month straddles two Gregorian months: keep the month in which it starts.
        return PartialDate(gregorian.year, gregorian.month)
    return PartialDate(gregorian.year, gregorian.month, gregorian.day)


def parse_partial_date(text: str, *, today: date | None = None) -> PartialDate | None:
    """Read YYYY, YYYY-MM, YYYY-MM-DD, DD/MM/YYYY or a Solar Hijri date; None for an empty cell.

    Raises DateError for anything unreadable, impossible, or in the future.
    """
    text = (text or "").strip()
    if not text:
        return None
    # Afghan forms often use Persian digits.
    text = text.translate(_PERSIAN_DIGITS)
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
    else:
        match = _DAY_FIRST.match(text)
        if not match:
            raise DateError(f"not a date: {text!r}")
        day, month, year = (int(g) for g in match.groups())
    assert year is not None
    try:
        if year < SOLAR_HIJRI_MAX_YEAR:
            if year < 1250:
                raise DateError(f"year out of range: {year}")
            result = _from_solar_hijri(year, month, day)
        else:
            result = PartialDate(year, month, day)
    except DateError:
        raise
    except ValueError as error:
        raise DateError(f"impossible date: {text!r}") from error
    if result.earliest() > (today or date.today()):  # noqa: DTZ011 - a calendar date, not an instant
        raise DateError(f"date in the future: {text!r}")
    return result


_PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
