"""Synthetic employer rosters for generated applications, with the truth about every claim.

`generate_rosters(applications, seed)` reads the claimed employments of applications from
evac.demo.generator and writes each employer's roster as its clerks would have: other spellings, names in
Perso-Arabic script only, a family name or a father's name left out, a birth year instead of a date (or
none), the role in the employer's words, dates a few months off. Among the real staff it puts decoys:
brothers of claimants (same father and family name), namesakes (same name, another father), and other
staff drawn from the same names, so that a matcher that only compares given names is caught out.

Not every claim is true: about `forged_rate` of the families claim employment they never had (forged
letters were sold in 2021); some of their brothers did work there, and some claims quote a real colleague's
badge number. The truth says, for every application, which badge number is really the claimant's ("" for
a forged claim), so that matching can be measured (precision, recall).

The claimant's stated badge number goes on the application's principal row (`badge_number`), so the rows
can be written or loaded as they are afterwards. Pure Python, one Random(seed): same input, same output.
"""

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random
from typing import TextIO

from evac.core.dates import DateError, parse_partial_date
from evac.demo import names
from evac.demo.generator import GeneratedApplication
from evac.demo.spelling import compound_variant, french_transliteration, latin_variant, typo

ROSTER_COLUMNS = (
    "badge_number",
    "given_name",
    "family_name",
    "father_name",
    "native_name",
    "birth_date",
    "role",
    "employment_start",
    "employment_end",
)
TRUTH_COLUMNS = ("application_ref", "employer", "badge_number", "kind")

# How an employer's clerk writes each role (the importer resolves every one of these but the last few).
ROLE_WORDS = {
    "interpreter": ("Interpreter", "interpreter", "Language Assistant", "Linguist", "Interprète", "LA"),
    "security_guard": ("Security Guard", "Guard", "security", "Gardien", "Force protection"),
    "driver": ("Driver", "driver", "Chauffeur"),
    "construction_worker": ("Construction worker", "Labourer", "Mason", "Ouvrier"),
    "cook": ("Cook", "Kitchen staff", "Cuisinier"),
    "cleaner": ("Cleaner", "Janitor", "Housekeeper"),
    "embassy_staff": ("Embassy staff", "Locally engaged staff", "LES"),
    "other": ("Mechanic", "Electrician", "Clerk", "Medic"),
}

# Nobody's employment starts or ends after the evacuation.
_LAST_DAY = date(2021, 8, 14)
_NATIVE = {latin: native for latin, native, _w in (*names.MALE_GIVEN_NAMES, *names.FEMALE_GIVEN_NAMES)}
_NATIVE_FAMILY = {latin: native for latin, native, _w in names.FAMILY_NAMES}


class _Pick:
    """Weighted choice from one of the name tables."""

    def __init__(self, table: Sequence[tuple]) -> None:
        self.items = [row[0] for row in table]
        self.weights = [row[-1] for row in table]

    def __call__(self, rng: Random) -> str:
        return rng.choices(self.items, self.weights)[0]


_MALE = _Pick(names.MALE_GIVEN_NAMES)
_FEMALE = _Pick(names.FEMALE_GIVEN_NAMES)
_FAMILY = _Pick(names.FAMILY_NAMES)
_ROLE = _Pick(names.ROLES)


@dataclass
class Staff:
    """One person on a roster as they really are (names in their usual spelling)."""

    given: str
    family: str
    father: str
    sex: str
    birth_year: int | None
    role: str
    start: date | None
    end: date | None
    badge: str = ""
    kind: str = "staff"  # staff (a claimant), brother, namesake, other


@dataclass
class GeneratedRosters:
    rows: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # employer -> roster rows
    truth: dict[str, tuple[str, str]] = field(default_factory=dict)  # application_ref -> (employer, badge)
    kinds: dict[str, str] = field(default_factory=dict)  # application_ref -> genuine, forged

    def truth_rows(self) -> Iterable[dict[str, str]]:
        for ref, (employer, badge) in self.truth.items():
            yield {
                "application_ref": ref,
                "employer": employer,
                "badge_number": badge,
                "kind": self.kinds[ref],
            }


def _year(text: str) -> int | None:
    try:
        parsed = parse_partial_date(text, today=date(2021, 8, 15))
    except DateError:
        return None
    return parsed.year if parsed else None


def _date(text: str) -> date | None:
    try:
        parsed = parse_partial_date(text, today=date(2021, 8, 15))
    except DateError:
        return None
    return parsed.earliest() if parsed else None


class _RosterWriter:
    def __init__(self, seed: int, forged_rate: float, badge_rate: float) -> None:
        self.rng = Random(seed)
        self.forged_rate = forged_rate
        self.badge_rate = badge_rate
        self.staff: dict[str, list[Staff]] = {}
        self.badges: dict[str, set[str]] = {}
        self.prefixes: dict[str, str] = {}

    # -- badge numbers --------------------------------------------------------------------------------

    def new_badge(self, employer: str) -> str:
        prefix = self.prefixes.setdefault(
            employer, "".join(w[0] for w in employer.split() if w[0].isupper())[:3] or "E"
        )
        taken = self.badges.setdefault(employer, set())
        while True:
            badge = f"{prefix}-{self.rng.randrange(10**6):06d}"
            if badge not in taken:
                taken.add(badge)
                return badge

    def as_claimed(self, badge: str) -> str:
        """A badge number as a claimant writes it: another case, no dash, leading zeros dropped, or a slip."""
        rng = self.rng
        roll = rng.random()
        prefix, _dash, digits = badge.partition("-")
        if roll < 0.04:  # one digit wrong
            i = rng.randrange(len(digits))
            digits = digits[:i] + str((int(digits[i]) + rng.randint(1, 9)) % 10) + digits[i + 1 :]
            return f"{prefix}-{digits}"
        if roll < 0.2:
            return f"{prefix.lower()} {digits}"
        if roll < 0.3:
            return f"{prefix}{digits.lstrip('0') or '0'}"
        return badge

    # -- people ---------------------------------------------------------------------------------------

    def relative(self, person: Staff, kind: str) -> Staff:
        rng = self.rng
        if kind == "brother":
            given = person.given
            while given == person.given:
                given = _MALE(rng)
            gap = rng.randint(1, 12) * rng.choice((-1, 1))
            return Staff(
                given,
                person.family,
                person.father,
                "M",
                (person.birth_year + gap) if person.birth_year else None,
                _ROLE(rng),
                *self.period(rng),
                kind=kind,
            )
        father = person.father
        while father == person.father:
            father = _MALE(rng)
        gap = rng.randint(2, 15) * rng.choice((-1, 1))
        return Staff(
            person.given,
            person.family,
            father,
            person.sex,
            (person.birth_year + gap) if person.birth_year else rng.randint(1960, 2000),
            _ROLE(rng),
            *self.period(rng),
            kind=kind,
        )

    def stranger(self) -> Staff:
        rng = self.rng
        sex = "M" if rng.random() < 0.92 else "F"
        return Staff(
            (_MALE if sex == "M" else _FEMALE)(rng),
            _FAMILY(rng) if rng.random() < 0.6 else "",
            _MALE(rng),
            sex,
            rng.randint(1958, 2001),
            _ROLE(rng),
            *self.period(rng),
            kind="other",
        )

    @staticmethod
    def period(rng: Random) -> tuple[date, date | None]:
        start = date(rng.randint(2002, 2020), rng.randint(1, 12), rng.randint(1, 28))
        if rng.random() < 0.3:
            return start, None
        return start, min(_LAST_DAY, start + timedelta(days=rng.randint(120, 9 * 365)))

    # -- writing an entry -----------------------------------------------------------------------------

    def row(self, person: Staff) -> dict[str, str]:
        """The person as the employer's clerk wrote them."""
        rng = self.rng
        given, family, father = person.given, person.family, person.father
        native = ""
        if rng.random() < 0.1:
            # A roster kept in Dari: the names in Perso-Arabic script only.
            native = " ".join(n for n in (_NATIVE.get(given, ""), _NATIVE_FAMILY.get(family, "")) if n)
            father = _NATIVE.get(father, "") if rng.random() < 0.7 else ""
            given = family = ""
            if not native:
                given, family, father = person.given, person.family, person.father
        else:
            memo: dict[str, str] = {}
            compound: dict[str, str] = {}
            if rng.random() < 0.25:
                given, father = (
                    compound_variant(given, rng, compound),
                    compound_variant(father, rng, compound),
                )
            roll = rng.random()
            if roll < 0.4:
                given, family, father = (
                    latin_variant(n, rng, memo) if n else n for n in (given, family, father)
                )
            elif roll < 0.46:
                given, family, father = (french_transliteration(n) for n in (given, family, father))
            if family and rng.random() < 0.15:
                family = ""
            if father and rng.random() < 0.25:
                father = ""
            if rng.random() < 0.08:
                which = rng.randrange(3)
                if which == 1 and family:
                    family = typo(family, rng)
                elif which == 2 and father:
                    father = typo(father, rng)
                else:
                    given = typo(given, rng)
            if rng.random() < 0.2:
                native = " ".join(
                    n for n in (_NATIVE.get(person.given, ""), _NATIVE_FAMILY.get(person.family, "")) if n
                )
        birth = ""
        if person.birth_year:
            roll = rng.random()
            if roll < 0.55:
                birth = str(person.birth_year)
            elif roll < 0.7:
                birth = f"{person.birth_year}-01-01"
            elif roll < 0.78:
                birth = str(person.birth_year + rng.choice((-1, 1)))
            elif roll < 0.81:  # an age guessed at hiring, written down as a year
                birth = str(person.birth_year + rng.randint(2, 6) * rng.choice((-1, 1)))
        role = ""
        if rng.random() < 0.9:
            written = person.role if rng.random() < 0.94 else _ROLE(rng)
            words = ROLE_WORDS.get(written, ROLE_WORDS["other"])
            role = words[rng.randrange(len(words))]
        start: date | None = None
        end: date | None = None
        if person.start and rng.random() < 0.75:
            roll = rng.random()
            if roll < 0.1:  # the roster keeps the last contract's start, not the first
                later = person.start + timedelta(days=rng.randint(400, 4 * 365))
                start = min(later, person.end or _LAST_DAY)
            elif roll < 0.12:  # another period altogether (a second spell of work, a clerk's slip)
                start = min(
                    _LAST_DAY, person.start + timedelta(days=rng.choice((-1, 1)) * rng.randint(6, 9) * 365)
                )
            else:
                start = self.shifted(person.start)
        if person.end and rng.random() < 0.7:
            end = self.shifted(person.end)
        if start and end and end < start:
            end = None  # a clerk who knew only one of them
        return {
            "badge_number": person.badge,
            "given_name": given,
            "family_name": family,
            "father_name": father,
            "native_name": native,
            "birth_date": birth,
            "role": role,
            "employment_start": self.written(start),
            "employment_end": self.written(end),
        }

    def shifted(self, day: date) -> date:
        return min(_LAST_DAY, day + timedelta(days=self.rng.randint(-120, 120)))

    def written(self, day: date | None) -> str:
        """A date as an employer's list has it: the day, or only the month."""
        if day is None:
            return ""
        return day.isoformat() if self.rng.random() < 0.5 else day.isoformat()[:7]


def generate_rosters(
    applications: Sequence[GeneratedApplication],
    seed: int,
    *,
    forged_rate: float = 0.12,
    badge_rate: float = 0.35,
    roster_size: int | None = None,
    brother_rate: float = 0.1,
    namesake_rate: float = 0.05,
) -> GeneratedRosters:
    """Each employer's roster for the claims in `applications` (whose principal rows get the badge number
    their claim states), about `roster_size` entries in all (twice the families by default)."""
    writer = _RosterWriter(seed, forged_rate, badge_rate)
    rng = writer.rng
    result = GeneratedRosters()
    families: dict[str, tuple[Staff | None, str, bool]] = {}  # family_id -> (staff, employer, states badge)
    entries: dict[str, list[Staff]] = {}
    for application in applications:
        row = application.rows[0]
        employer = row.get("employer", "")
        if not employer:
            continue
        family_id = application.truth[0]["family_id"]
        known = families.get(family_id)
        if known is None:
            forged = rng.random() < forged_rate
            person = Staff(
                row["given_name"] or "",
                row["family_name"],
                row["father_name"],
                row["sex"],
                _year(row["birth_date"]),
                row["role"],
                _date(row["employment_start"]),
                _date(row["employment_end"]),
                kind="staff",
            )
            roster = entries.setdefault(employer, [])
            if not person.given:
                forged = True  # no Latin name to put on a roster: leave the claim unbacked
            if not forged:
                person.badge = writer.new_badge(employer)
                roster.append(person)
            # Relatives on the roster: a forger's brother is more likely there (his letter was borrowed).
            if person.given and person.sex == "M" and rng.random() < (0.35 if forged else brother_rate):
                brother = writer.relative(person, "brother")
                brother.badge = writer.new_badge(employer)
                roster.append(brother)
            if person.given and rng.random() < namesake_rate:
                namesake = writer.relative(person, "namesake")
                namesake.badge = writer.new_badge(employer)
                roster.append(namesake)
            states = rng.random() < (0.4 if forged else badge_rate)
            known = (None if forged else person, employer, states)
            families[family_id] = known
        person, employer, states = known
        ref = application.application_ref
        result.truth[ref] = (employer, person.badge if person else "")
        result.kinds[ref] = "genuine" if person else "forged"
        claimed = ""
        if states and rng.random() < 0.9:
            if person is not None:
                claimed = writer.as_claimed(person.badge)
            elif rng.random() < 0.6 and entries.get(employer):
                others = entries[employer]
                claimed = others[rng.randrange(len(others))].badge  # a real colleague's number
            else:
                claimed = writer.new_badge(employer)  # invented: kept from every roster entry
        row["badge_number"] = claimed
    total = sum(len(staff) for staff in entries.values())
    wanted = roster_size if roster_size is not None else 2 * len(families)
    employers = sorted(entries)
    for _ in range(max(0, wanted - total)):
        employer = employers[rng.randrange(len(employers))]
        stranger = writer.stranger()
        stranger.badge = writer.new_badge(employer)
        entries[employer].append(stranger)
    for employer in employers:
        staff = entries[employer]
        rng.shuffle(staff)
        result.rows[employer] = [writer.row(person) for person in staff]
    return result


def write_roster_csv(rows: Iterable[dict[str, str]], out: TextIO) -> int:
    writer = csv.DictWriter(out, ROSTER_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    return count
