"""How dates, phones and documents are written: birth dates in the forms people use (Solar Hijri
included), Afghan mobile numbers, tazkira and passport numbers.
"""

from datetime import date
from random import Random

import jdatetime

# Nowruz (1 Farvardin) in each Gregorian year: a table makes the conversion two subtractions.
_NOWRUZ = {year: jdatetime.date(year - 621, 1, 1).togregorian().toordinal() for year in range(1900, 2031)}
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def to_solar_hijri(day: date) -> tuple[int, int, int]:
    """The Solar Hijri (year, month, day) of a Gregorian date between 1900 and 2030."""
    ordinal = day.toordinal()
    start = _NOWRUZ[day.year]
    year = day.year - 621
    if ordinal < start:
        start = _NOWRUZ[day.year - 1]
        year -= 1
    days = ordinal - start
    if days < 186:  # the first six months have 31 days, the next five 30, the last 29 or 30
        return year, days // 31 + 1, days % 31 + 1
    days -= 186
    return year, days // 30 + 7, days % 30 + 1


def format_birth_date(birth: date, style: str, persian_digits: bool = False) -> str:
    if style == "iso":
        return birth.isoformat()
    if style == "year":
        return str(birth.year)
    if style == "placeholder":
        return f"{birth.year}-01-01"
    if style == "dmy":
        return f"{birth.day:02d}/{birth.month:02d}/{birth.year}"
    year, month, day = to_solar_hijri(birth)
    text = f"{year}/{month:02d}/{day:02d}" if style == "hijri" else str(year)
    return text.translate(_PERSIAN_DIGITS) if persian_digits else text


def format_phone(digits: str, style: int) -> str:
    """Nine digits starting with 7, written the ways Afghans write a mobile number."""
    if style == 0:
        return "0" + digits
    if style == 1:
        return f"+93 {digits[:3]} {digits[3:6]} {digits[6:]}"
    if style == 2:
        return "+93" + digits
    if style == 3:
        return "0093" + digits
    if style == 4:
        return f"+93-{digits[:2]}-{digits[2:5]}-{digits[5:]}"
    return f"0{digits[:3]} {digits[3:6]} {digits[6:]}"


def phone_number(rng: Random) -> str:
    # Afghan mobile networks: 70-79 (Roshan, AWCC, Etisalat, MTN, Salaam), 9 digits after the 0.
    return f"7{'0123456789'[rng.randrange(10)]}{rng.randrange(10_000_000):07d}"


def tazkira_number(rng: Random) -> str:
    if rng.random() < 0.45:  # e-tazkira, issued since 2018 (1397)
        return f"{rng.randint(1397, 1400)}-{rng.randint(101, 3499):04d}-{rng.randrange(100_000_000):08d}"
    return str(rng.randint(10_000, 9_999_999))  # the old paper tazkira's register number


def passport_number(rng: Random) -> str:
    return f"P{rng.randrange(10_000_000):07d}" if rng.random() < 0.8 else f"P{rng.randrange(10**8):08d}"


def month_text(day: date, rng: Random) -> str:
    """An employment date as people remember it: the whole date, or only the month (YYYY-MM)."""
    return day.isoformat() if rng.random() < 0.55 else day.isoformat()[:7]
