"""Synthetic applications that tell the truth about themselves.

`generate()` yields applications in the interchange format the importer reads, each with a truth
record saying which real (synthetic) person every row is. About `duplicate_rate` of the applications
re-submit an earlier family with the variations real re-submissions show (other spellings, the other
script, a year instead of a date, a new phone, a member left out...), each recorded by name in the
truth, so deduplication accuracy can be measured. Hard negatives, different people who look alike
(brothers applying separately, a son named after his grandfather, very common names), are in the
data too, so precision can be measured as well as recall.

Pure Python with no Django models: one `random.Random(seed)` drives everything, so the same
arguments give byte-identical output. Memory stays bounded: only a ring of recent families is kept
to draw re-submissions from. How names are respelled is in `spelling`; how dates, phones and
documents are written, in `formats`.
"""

import csv
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import accumulate
from operator import itemgetter
from random import Random
from typing import TextIO

from evac.demo import names
from evac.demo.formats import (
    format_birth_date,
    format_phone,
    month_text,
    passport_number,
    phone_number,
    tazkira_number,
)
from evac.demo.spelling import (
    compound_variant,
    french_transliteration,
    latin_variant,
    province_spelling,
    title,
    typo,
)

INTERCHANGE_COLUMNS = (
    "application_ref",
    "person_ref",
    "relationship",
    "given_name",
    "family_name",
    "father_name",
    "native_name",
    "sex",
    "birth_date",
    "phone",
    "email",
    "tazkira_number",
    "passport_number",
    "nationality",
    "province",
    "district",
    "employer",
    "role",
    "employment_start",
    "employment_end",
    "badge_number",
    "medical_needs",
)
TRUTH_COLUMNS = ("person_ref", "application_ref", "person_id", "family_id", "variations")

# Every name that can appear in truth.variations. An original submission has none.
VARIATIONS = (
    "latin_variant",  # another Latin spelling of a name: Muhammad for Mohammad, Ahmadzay for Ahmadzai
    "french_translit",  # French-style spelling: Abdoul Rahmane, Chir Agha, Ahmadzaï
    "compound_split",  # Abdul Rahman / Abdurrahman / Abdul-Rahman, Habibullah / Habib Ullah
    "title_added",  # Haji, Sayed, Mullah, Eng., Dr. before the given name
    "name_order",  # given and family name swapped
    "father_as_family",  # someone with one name wrote their father's name as a family name
    "family_name_dropped",
    "typo",
    "native_only",  # Latin names blank, the name in Perso-Arabic only (father_name too)
    "native_added",
    "native_dropped",
    "native_variant",  # Arabic letter forms or spacing in the Perso-Arabic name
    "year_only",
    "placeholder_date",  # YYYY-01-01
    "hijri_date",
    "date_format",  # DD/MM/YYYY instead of ISO or back
    "day_month_swap",
    "birth_year_shift",  # an estimated year, one off
    "new_phone",
    "phone_format",
    "province_spelling",
    "province_moved",
    "document_dropped",
    "passport_added",
    "sex_missing",
    "member_missing",  # on the principal's row: someone from the first submission is left out
    "member_added",  # on the added person's row
)

DEFAULT_EMPLOYERS = (
    "Canadian Armed Forces",
    "Embassy of Canada to Afghanistan",
    "Global Affairs Canada",
    "ISAF Regional Command South",
    "Kandahar Provincial Reconstruction Team",
)

# The evacuation: nobody in the data is born, or ends a job, after this day.
REFERENCE_DATE = date(2021, 8, 15)
_REF = REFERENCE_DATE.toordinal()
_EMPLOYMENT_FIRST_YEAR = 2002
_EMPLOYMENT_LAST_YEAR = 2020

# Families kept for re-submission: recent ones, and a smaller set that keeps re-submitting.
_POOL_SIZE = 20_000
_HOT_SIZE = 500
_MAX_SUBMISSIONS = 5
# New applications from a brother of an earlier applicant: same father, same family name, not a duplicate.
_BROTHER_RATE = 0.03
# Sons given their grandfather's name, on top of those who get it because it is common.
_GRANDFATHER_NAMESAKE_RATE = 0.08


class _Table:
    """Weighted choice by bisection over cumulative weights: several times faster than choices()."""

    __slots__ = ("cumulative", "items", "total")

    def __init__(self, items: Sequence, weights: Sequence[float]) -> None:
        self.items = tuple(items)
        self.cumulative = tuple(accumulate(weights))
        self.total = self.cumulative[-1]

    def pick(self, rng: Random):
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


_MALE = _Table(names.MALE_GIVEN_NAMES, [w for _, _, w in names.MALE_GIVEN_NAMES])
_FEMALE = _Table(names.FEMALE_GIVEN_NAMES, [w for _, _, w in names.FEMALE_GIVEN_NAMES])
_FAMILY = _Table(names.FAMILY_NAMES, [w for _, _, w in names.FAMILY_NAMES])
_PROVINCES = _Table(names.PROVINCES, [p[3] for p in names.PROVINCES])
_ROLES = _Table([r for r, _ in names.ROLES], [w for _, w in names.ROLES])
_MEDICAL = _Table([m for m, _ in names.MEDICAL_NEEDS], [w for _, w in names.MEDICAL_NEEDS])
_EMAIL_DOMAINS = _Table([d for d, _ in names.EMAIL_DOMAINS], [w for _, w in names.EMAIL_DOMAINS])
# Children in a family with two parents, 0 to 7: mean about 3.5 before young mothers cut it short.
_CHILDREN = _Table(range(8), (8, 11, 15, 17, 16, 13, 10, 10))
# How a birth date is first written, for people who know the day and for those who know the year.
_DAY_STYLES = _Table(("iso", "dmy", "hijri"), (55, 15, 20))
_YEAR_STYLES = _Table(("year", "placeholder", "hijri_year"), (60, 30, 10))
_DATE_CHANGES = {
    "iso": (
        ("year_only", "year"),
        ("placeholder_date", "placeholder"),
        ("hijri_date", "hijri"),
        ("date_format", "dmy"),
    ),
    "dmy": (
        ("year_only", "year"),
        ("placeholder_date", "placeholder"),
        ("hijri_date", "hijri"),
        ("date_format", "iso"),
    ),
    "hijri": (("year_only", "hijri_year"), ("placeholder_date", "placeholder"), ("hijri_date", "iso")),
    "year": (("birth_year_shift", "year"), ("placeholder_date", "placeholder"), ("hijri_date", "hijri_year")),
    "placeholder": (("birth_year_shift", "placeholder"), ("year_only", "year"), ("hijri_date", "hijri_year")),
    "hijri_year": (
        ("birth_year_shift", "hijri_year"),
        ("placeholder_date", "placeholder"),
        ("hijri_date", "year"),
    ),
}
_PHONE_STYLES = _Table(range(6), (35, 20, 20, 8, 10, 7))


@dataclass
class GeneratedApplication:
    application_ref: str
    rows: list[dict[str, str]]
    truth: list[dict[str, str]]


class _Person:
    __slots__ = (
        "birth",
        "date_style",
        "email",
        "family",
        "family_native",
        "father",
        "father_native",
        "given",
        "given_native",
        "medical",
        "native_shown",
        "passport",
        "person_id",
        "phone",
        "phone_style",
        "relationship",
        "sex",
        "tazkira",
    )

    def __init__(self, person_id: str, relationship: str, sex: str, given: tuple, father: tuple) -> None:
        self.person_id = person_id
        self.relationship = relationship
        self.sex = sex
        self.given, self.given_native = given[0], given[1]
        self.father, self.father_native = father[0], father[1]
        self.family = self.family_native = ""
        self.birth = date(2000, 1, 1)
        self.date_style = "year"
        self.phone = ""
        self.phone_style = 0
        self.email = self.tazkira = self.passport = self.medical = ""
        self.native_shown = False  # whether the first submission gave the Perso-Arabic name

    @property
    def age(self) -> int:
        return (_REF - self.birth.toordinal()) // 365


class _Family:
    __slots__ = (
        "district",
        "employer",
        "employment_end",
        "employment_start",
        "family_id",
        "native",
        "persons",
        "province",
        "province_written",
        "role",
        "submissions",
    )


# ---------------------------------------------------------------------------------------------------
# The generator


class _Generator:
    def __init__(self, seed: int, employers: Sequence[str], duplicate_rate: float) -> None:
        if not 0 <= duplicate_rate < 1:
            raise ValueError("duplicate_rate must be at least 0 and below 1")
        if not employers:
            raise ValueError("at least one employer is needed")
        self.rng = Random(seed)
        self.employers = tuple(employers)
        self.embassies = tuple(e for e in self.employers if "mbass" in e) or self.employers
        self.duplicate_rate = duplicate_rate
        self.applications = 0
        self.people = 0
        self.families = 0
        self.pool: list[_Family] = []
        self.hot: list[_Family] = []

    # -- people ------------------------------------------------------------------------------------

    def _person(self, relationship: str, sex: str, given: tuple, father: tuple, age_days: int) -> _Person:
        rng = self.rng
        self.people += 1
        person = _Person(f"I{self.people:08d}", relationship, sex, given, father)
        person.birth = date.fromordinal(_REF - max(0, age_days))
        age = age_days // 365
        if age < 1 or rng.random() < 0.45:
            person.date_style = _DAY_STYLES.pick(rng)
        else:
            person.date_style = _YEAR_STYLES.pick(rng)
        if age >= 18:
            tazkira, passport = 0.75, 0.33
        elif age >= 7:
            tazkira, passport = 0.45, 0.15
        else:
            tazkira, passport = 0.2, 0.12
        if rng.random() < tazkira:
            person.tazkira = tazkira_number(rng)
        if rng.random() < passport:
            person.passport = passport_number(rng)
        roll = rng.random()
        if age >= 60 and roll < 0.2:
            person.medical = names.ELDERLY_NEEDS[rng.randrange(len(names.ELDERLY_NEEDS))]
        elif sex == "F" and 18 <= age <= 42 and roll < 0.03:
            person.medical = "pregnant" if roll < 0.02 else f"pregnant, {rng.randint(5, 8)} months"
        elif roll < 0.02:
            person.medical = _MEDICAL.pick(rng)
        return person

    @staticmethod
    def _years(low: int, high: int, rng: Random) -> int:
        """An age in days, somewhere in the years from `low` to `high`."""
        return rng.randint(low * 365, high * 365 + 364)

    def _new_family(self, brother_of: _Family | None = None) -> _Family:
        rng = self.rng
        self.families += 1
        family = _Family()
        family.family_id = f"F{self.families:07d}"
        family.submissions = 0
        family.native = rng.random() < 0.6
        persons: list[_Person] = []

        if brother_of is not None:
            # A hard negative: same father, same family name, another man with his own household.
            elder = brother_of.persons[0]
            sex = "M"
            given = _MALE.pick(rng)
            while given[0] == elder.given:
                given = _MALE.pick(rng)
            father = (elder.father, elder.father_native)
            surname = (elder.family, elder.family_native)
            gap = rng.randint(1, 12) * rng.choice((-1, 1))
            age_days = _REF - elder.birth.toordinal() + gap * 365 + rng.randint(-150, 150)
            age_days = min(62 * 365, max(20 * 365, age_days))
        else:
            sex = "M" if rng.random() < 0.92 else "F"
            given = (_MALE if sex == "M" else _FEMALE).pick(rng)
            father = _MALE.pick(rng)
            surname = _FAMILY.pick(rng)[:2] if rng.random() < 0.6 else ("", "")
            age_days = int(rng.triangular(20, 61, 31) * 365)
        principal = self._person("self", sex, given, father, age_days)
        principal.family, principal.family_native = surname
        persons.append(principal)
        age = principal.age

        # Spouse: wives rarely take their husband's family name; many have none at all.
        spouse = None
        married = 0.3 if age < 23 else 0.7 if age < 28 else 0.9
        if rng.random() < married:
            spouse_sex = "F" if sex == "M" else "M"
            if sex == "M":
                spouse_days = max(17 * 365, age_days - self._years(0, 10, rng))
            else:
                spouse_days = min(75 * 365, age_days + self._years(0, 10, rng))
            spouse = self._person(
                "spouse",
                spouse_sex,
                (_FEMALE if spouse_sex == "F" else _MALE).pick(rng),
                _MALE.pick(rng),
                spouse_days,
            )
            roll = rng.random()
            if surname[0] and roll < 0.4:
                spouse.family, spouse.family_native = surname
            elif roll < 0.65:
                spouse.family, spouse.family_native = _FAMILY.pick(rng)[:2]
            persons.append(spouse)

        # Children, spaced one to three years apart after the mother's seventeenth to twenty-fourth year.
        if spouse is not None or rng.random() < 0.05:
            if sex == "M":
                father_of_children = (principal.given, principal.given_native)
                mother_days = spouse.birth.toordinal() if spouse else principal.birth.toordinal() + 5 * 365
                mother_age_days = _REF - mother_days
            else:
                other = spouse or principal  # a widow's children carry their late father's name
                father_of_children = (other.given, other.given_native) if spouse else _MALE.pick(rng)[:2]
                mother_age_days = age_days
            wanted = _CHILDREN.pick(rng)
            child_days = mother_age_days - self._years(17, 24, rng)
            children = 0
            while children < wanted and child_days >= 0:
                if child_days <= 20 * 365 + 364:
                    child_sex = "M" if rng.random() < 0.51 else "F"
                    if (
                        child_sex == "M"
                        and sex == "M"
                        and rng.random() < _GRANDFATHER_NAMESAKE_RATE
                        and principal.father != principal.given
                    ):
                        # Named after his grandfather: a hard negative against the grandfather.
                        child_given = (principal.father, principal.father_native)
                    else:
                        child_given = (_MALE if child_sex == "M" else _FEMALE).pick(rng)
                    child = self._person("child", child_sex, child_given, father_of_children, child_days)
                    child.family, child.family_native = surname
                    persons.append(child)
                    children += 1
                child_days -= self._years(1, 3, rng) - rng.randint(0, 200)

        roll = rng.random()
        if roll < 0.12:  # a widowed parent, usually the mother
            if rng.random() < 0.7:
                parent = self._person(
                    "parent",
                    "F",
                    _FEMALE.pick(rng),
                    _MALE.pick(rng),
                    min(88 * 365, age_days + self._years(18, 35, rng)),
                )
                if rng.random() < 0.5:
                    parent.family, parent.family_native = _FAMILY.pick(rng)[:2]
            else:
                parent = self._person(
                    "parent",
                    "M",
                    (principal.father, principal.father_native),
                    _MALE.pick(rng),
                    min(90 * 365, age_days + self._years(22, 40, rng)),
                )
                parent.family, parent.family_native = surname
            persons.append(parent)
        elif roll < 0.19:  # an unmarried brother or sister
            sibling_sex = "M" if rng.random() < 0.5 else "F"
            sibling = self._person(
                "sibling",
                sibling_sex,
                (_MALE if sibling_sex == "M" else _FEMALE).pick(rng),
                (principal.father, principal.father_native),
                max(12 * 365, age_days - self._years(-3, 15, rng)),
            )
            sibling.family, sibling.family_native = surname
            persons.append(sibling)
        elif roll < 0.21:  # an orphaned nephew or niece
            other_sex = "M" if rng.random() < 0.5 else "F"
            other = self._person(
                "other",
                other_sex,
                (_MALE if other_sex == "M" else _FEMALE).pick(rng),
                _MALE.pick(rng),
                self._years(3, 17, rng),
            )
            other.family, other.family_native = surname
            persons.append(other)

        # Phones: the principal nearly always; some adults their own, or the principal's.
        principal.phone = phone_number(rng) if rng.random() < 0.95 else ""
        for person in persons[1:]:
            if person.age >= 18 and rng.random() < 0.22:
                person.phone = (
                    principal.phone if principal.phone and rng.random() < 0.3 else phone_number(rng)
                )
        for person in persons:
            person.phone_style = _PHONE_STYLES.pick(rng)
        if rng.random() < 0.3:
            principal.email = self._email(principal, rng)

        province = brother_of.province if brother_of and rng.random() < 0.7 else _PROVINCES.pick(rng)
        family.province = province
        family.province_written = province_spelling(province, rng) if rng.random() < 0.35 else province[1]
        family.district = self._district(province, rng)
        family.role = _ROLES.pick(rng)
        if family.role == "embassy_staff":
            family.employer = self.embassies[rng.randrange(len(self.embassies))]
        else:
            family.employer = self.employers[rng.randrange(len(self.employers))]
        first = max(_EMPLOYMENT_FIRST_YEAR, principal.birth.year + 18)
        start = date(min(first, _EMPLOYMENT_LAST_YEAR), rng.randint(1, 12), rng.randint(1, 28))
        family.employment_start = month_text(start, rng)
        if rng.random() < 0.3:
            family.employment_end = ""  # still employed in August 2021
        else:
            end = min(_REF - 1, start.toordinal() + rng.randint(120, 9 * 365))
            family.employment_end = month_text(date.fromordinal(max(end, start.toordinal() + 40)), rng)
            if family.employment_end[:7] <= family.employment_start[:7]:
                family.employment_end = date.fromordinal(start.toordinal() + 40).isoformat()
        family.persons = persons
        return family

    @staticmethod
    def _email(person: _Person, rng: Random) -> str:
        given = person.given.lower().replace(" ", "")
        other = (person.family or person.father).lower().replace(" ", "")
        kind = rng.randrange(4)
        if kind == 0:
            local = f"{given}.{other}"
        elif kind == 1:
            local = f"{given}{other}{rng.randint(1, 99)}"
        elif kind == 2:
            local = f"{given}_{person.birth.year}"
        else:
            local = f"{given}{rng.randint(100, 9999)}"
        return f"{local}@{_EMAIL_DOMAINS.pick(rng)}"

    @staticmethod
    def _district(province: tuple, rng: Random) -> str:
        districts = names.DISTRICTS.get(province[1])
        if districts and rng.random() < 0.75:
            return districts[rng.randrange(len(districts))]
        return ""

    # -- rendering ---------------------------------------------------------------------------------

    def _row(
        self,
        ref: str,
        index: int,
        person: _Person,
        family: _Family,
        given: str,
        surname: str,
        father: str,
        native: str,
        birth: str,
        phone: str,
        sex: str,
        tazkira: str,
        passport: str,
        province: str,
        district: str,
    ) -> dict[str, str]:
        principal = index == 0
        return {
            "application_ref": ref,
            "person_ref": f"{ref}-{index + 1:02d}",
            "relationship": person.relationship,
            "given_name": given,
            "family_name": surname,
            "father_name": father,
            "native_name": native,
            "sex": sex,
            "birth_date": birth,
            "phone": phone,
            "email": person.email if principal else "",
            "tazkira_number": tazkira,
            "passport_number": passport,
            "nationality": "AF" if self.rng.random() < 0.98 else "",
            "province": province,
            "district": district,
            "employer": family.employer if principal else "",
            "role": family.role if principal else "",
            "employment_start": family.employment_start if principal else "",
            "employment_end": family.employment_end if principal else "",
            # The generator knows no roster: evac.demo.rosters fills in the number a claim states.
            "badge_number": "",
            "medical_needs": person.medical,
        }

    def _original(self, family: _Family, ref: str) -> tuple[list[dict[str, str]], list[str], list[_Person]]:
        rng = self.rng
        rows = []
        digits = family.native and rng.random() < 0.25
        for index, person in enumerate(family.persons):
            native = ""
            person.native_shown = family.native and rng.random() < 0.97
            if person.native_shown:
                native = f"{person.given_native} {person.family_native}".rstrip()
            rows.append(
                self._row(
                    ref,
                    index,
                    person,
                    family,
                    person.given,
                    person.family,
                    person.father,
                    native,
                    format_birth_date(person.birth, person.date_style, digits),
                    format_phone(person.phone, person.phone_style) if person.phone else "",
                    person.sex if rng.random() > 0.01 else "",
                    person.tazkira,
                    person.passport,
                    family.province_written,
                    family.district,
                )
            )
        return rows, [""] * len(rows), family.persons

    def _resubmission(
        self, family: _Family, ref: str
    ) -> tuple[list[dict[str, str]], list[str], list[_Person]]:
        """The same family again, as another person at another desk would have written it."""
        rng = self.rng
        members = list(family.persons)
        added: _Person | None = None
        missing = False
        if len(members) > 2 and rng.random() < 0.12:
            members.pop(rng.randrange(1, len(members)))
            missing = True
        if rng.random() < 0.07:
            added = self._added_member(family)
            if added is not None:
                added.native_shown = family.native
                family.persons.append(added)
                members.append(added)

        spelling = rng.random()
        latin = spelling < 0.45
        french = 0.45 <= spelling < 0.53
        native_only = rng.random() < 0.07
        native_change = ""
        if native_only:
            pass
        elif family.native and rng.random() < 0.15:
            native_change = "native_dropped"
        elif not family.native and rng.random() < 0.3:
            native_change = "native_added"
        native_form = names.NATIVE_VARIANTS[rng.randrange(len(names.NATIVE_VARIANTS))]
        native_variant = rng.random() < 0.12
        compound = rng.random() < 0.35
        titled = rng.random() < 0.1
        name_order = rng.random() < 0.05
        father_as_family = rng.random() < 0.06
        surname_dropped = rng.random() < 0.1
        typo_row = rng.randrange(len(members)) if rng.random() < 0.2 else -1
        digits = (family.native or native_only) and rng.random() < 0.25

        province_roll = rng.random()
        province, district, province_change = family.province_written, family.district, ""
        if province_roll < 0.3:
            province = province_spelling(family.province, rng, avoid=family.province_written)
            province_change = "province_spelling"
        elif province_roll < 0.35:
            moved = _PROVINCES.pick(rng)
            if moved is not family.province:
                province, district, province_change = moved[1], self._district(moved, rng), "province_moved"

        memo: dict[str, str] = {}
        compound_memo: dict[str, str] = {}
        rows = []
        variations = []
        for index, person in enumerate(members):
            changes: list[str] = []
            given, surname, father = person.given, person.family, person.father
            given_native = person.given_native
            if person is added:
                changes.append("member_added")
            if index == 0 and missing:
                changes.append("member_missing")

            latin_names = not native_only  # a form filled in Dari has no Latin spelling to vary
            if compound and latin_names:
                before = (given, father)
                given = compound_variant(given, rng, compound_memo)
                father = compound_variant(father, rng, compound_memo)
                if (given, father) != before:
                    changes.append("compound_split")
            if latin and latin_names:
                before = (given, surname, father)
                given, surname, father = (latin_variant(n, rng, memo) if n else n for n in before)
                if (given, surname, father) != before:
                    changes.append("latin_variant")
            elif french and latin_names:
                before = (given, surname, father)
                given, surname, father = (french_transliteration(n) for n in before)
                if (given, surname, father) != before:
                    changes.append("french_translit")
            if latin_names and surname_dropped and surname:
                surname = ""
                changes.append("family_name_dropped")
            elif latin_names and father_as_family and not surname and father:
                surname = father
                changes.append("father_as_family")
            if titled and index == 0:
                title_latin, title_native = title(person.sex, rng)
                given = f"{title_latin} {given}"
                given_native = f"{title_native} {given_native}"
                changes.append("title_added")
            if latin_names and name_order and surname and person.relationship in ("self", "spouse"):
                given, surname = surname, given
                changes.append("name_order")
            if latin_names and index == typo_row:
                field = rng.randrange(3)
                if field == 1 and surname:
                    surname = typo(surname, rng)
                elif field == 2 and father:
                    father = typo(father, rng)
                else:
                    given = typo(given, rng)
                changes.append("typo")

            native = ""
            shown = person.native_shown
            if native_change == "native_dropped" and shown:
                shown = False
                changes.append(native_change)
            elif native_change == "native_added" and not shown:
                shown = True
                changes.append(native_change)
            if shown or native_only:
                native_surname = "" if surname_dropped and latin_names else person.family_native
                native = f"{given_native} {native_surname}".rstrip()
                if native_variant:
                    varied = native.replace(*native_form)
                    if varied != native:
                        native = varied
                        changes.append("native_variant")
            if native_only:
                # The whole form in Dari: no Latin names, the father's name in Perso-Arabic too.
                given = surname = ""
                father = person.father_native
                changes.append("native_only")

            birth = self._birth(person, rng, changes, digits)
            phone = self._phone_text(person, index, rng, changes)
            sex = person.sex
            if sex and rng.random() < 0.01:
                sex = ""
                changes.append("sex_missing")
            tazkira, passport = person.tazkira, person.passport
            if (tazkira or passport) and rng.random() < 0.08:
                tazkira = passport = ""
                changes.append("document_dropped")
            elif not passport and person.age >= 16 and rng.random() < 0.08:
                passport = passport_number(rng)
                changes.append("passport_added")
            if province_change:
                changes.append(province_change)
            rows.append(
                self._row(
                    ref,
                    index,
                    person,
                    family,
                    given,
                    surname,
                    father,
                    native,
                    birth,
                    phone,
                    sex,
                    tazkira,
                    passport,
                    province,
                    district,
                )
            )
            variations.append(";".join(changes))

        if not any(variations):
            # Nothing happened to change: a real re-submission always differs somewhere. A typo.
            row = rows[0]
            name_field = "given_name" if row["given_name"] else "native_name"
            row[name_field] = typo(row[name_field], rng)
            variations[0] = "typo"
        return rows, variations, members

    @staticmethod
    def _birth(person: _Person, rng: Random, changes: list[str], persian_digits: bool) -> str:
        style = person.date_style
        birth = person.birth
        if rng.random() < 0.3:
            # What the date can become: (variation, new style). "hijri_date" is a change of calendar.
            options = _DATE_CHANGES[style]
            if (
                style in ("iso", "dmy")
                and birth.day <= 12
                and birth.day != birth.month
                and date(birth.year, birth.day, birth.month) <= REFERENCE_DATE
            ):
                options = (*options, ("day_month_swap", style))
            change, style = options[rng.randrange(len(options))]
            if change == "day_month_swap":
                birth = date(birth.year, birth.day, birth.month)
            elif change == "birth_year_shift":  # an estimate, one year off (never past the evacuation)
                shift = -1 if birth.year + 1 >= REFERENCE_DATE.year or rng.random() < 0.5 else 1
                birth = date(birth.year + shift, birth.month, min(birth.day, 28))
            changes.append(change)
        return format_birth_date(birth, style, persian_digits)

    @staticmethod
    def _phone_text(person: _Person, index: int, rng: Random, changes: list[str]) -> str:
        if not person.phone:
            return ""
        roll = rng.random()
        if index == 0 and roll < 0.25:
            changes.append("new_phone")
            return format_phone(phone_number(rng), _PHONE_STYLES.pick(rng))
        if roll < 0.55:
            style = (person.phone_style + rng.randint(1, 5)) % 6
            changes.append("phone_format")
            return format_phone(person.phone, style)
        return format_phone(person.phone, person.phone_style)

    def _added_member(self, family: _Family) -> _Person | None:
        """Someone missing from the first submission: a newborn, or a parent brought in."""
        rng = self.rng
        principal = family.persons[0]
        spouse = next((p for p in family.persons if p.relationship == "spouse"), None)
        youngest = min((p.age for p in family.persons if p.relationship == "child"), default=99)
        mother = spouse if principal.sex == "M" else principal
        if spouse is not None and youngest >= 2 and mother.age <= 45 and rng.random() < 0.6:
            father = principal if principal.sex == "M" else spouse
            sex = "M" if rng.random() < 0.51 else "F"
            child = self._person(
                "child",
                sex,
                (_MALE if sex == "M" else _FEMALE).pick(rng),
                (father.given, father.given_native),
                rng.randint(0, 300),
            )
            child.family, child.family_native = principal.family, principal.family_native
            return child
        if any(p.relationship == "parent" for p in family.persons):
            return None
        parent = self._person(
            "parent",
            "F",
            _FEMALE.pick(rng),
            _MALE.pick(rng),
            min(88 * 365, principal.age * 365 + self._years(18, 35, rng)),
        )
        return parent

    # -- the stream --------------------------------------------------------------------------------

    def _pick_resubmission(self) -> _Family | None:
        rng = self.rng
        for _ in range(4):
            if self.hot and rng.random() < 0.2:
                family = self.hot[rng.randrange(len(self.hot))]
            else:
                family = self.pool[rng.randrange(len(self.pool))]
            if family.submissions < _MAX_SUBMISSIONS:
                return family
        return None

    def _remember(self, ring: list[_Family], family: _Family, size: int, counter: int) -> None:
        if len(ring) < size:
            ring.append(family)
        else:
            ring[counter % size] = family

    def application(self) -> GeneratedApplication:
        rng = self.rng
        self.applications += 1
        ref = f"P-{self.applications:07d}"
        family = None
        if self.pool and rng.random() < self.duplicate_rate:
            family = self._pick_resubmission()
        if family is not None:
            rows, variations, members = self._resubmission(family, ref)
            family.submissions += 1
            if family.submissions < _MAX_SUBMISSIONS and rng.random() < 0.4:
                self._remember(self.hot, family, _HOT_SIZE, rng.randrange(_HOT_SIZE))
        else:
            brother_of = None
            if self.pool and rng.random() < _BROTHER_RATE:
                candidate = self.pool[rng.randrange(len(self.pool))]
                elder = candidate.persons[0]
                if elder.sex == "M" and elder.family:
                    brother_of = candidate
            family = self._new_family(brother_of)
            family.submissions = 1
            rows, variations, members = self._original(family, ref)
            self._remember(self.pool, family, _POOL_SIZE, self.families)
        truth = [
            {
                "person_ref": row["person_ref"],
                "application_ref": ref,
                "person_id": person.person_id,
                "family_id": family.family_id,
                "variations": changes,
            }
            for row, person, changes in zip(rows, members, variations, strict=True)
        ]
        return GeneratedApplication(ref, rows, truth)


def generate(
    count: int,
    seed: int,
    *,
    employers: Sequence[str] = DEFAULT_EMPLOYERS,
    duplicate_rate: float = 0.15,
) -> Iterator[GeneratedApplication]:
    """Yield `count` applications (duplicates included in the count). Same arguments, same output."""
    generator = _Generator(seed, employers, duplicate_rate)
    for _ in range(count):
        yield generator.application()


def write_csv(
    applications: Iterable[GeneratedApplication],
    out: TextIO,
    truth: TextIO | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Write the interchange CSV (header = INTERCHANGE_COLUMNS) and the truth CSV.

    Returns (applications, rows). `progress` is called with the number of applications written so far,
    every thousand and at the end.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(INTERCHANGE_COLUMNS)
    truth_writer = None
    if truth is not None:
        truth_writer = csv.writer(truth, lineterminator="\n")
        truth_writer.writerow(TRUTH_COLUMNS)
    row_values = itemgetter(*INTERCHANGE_COLUMNS)
    truth_values = itemgetter(*TRUTH_COLUMNS)
    count = rows = 0
    for application in applications:
        writer.writerows(map(row_values, application.rows))
        if truth_writer is not None:
            truth_writer.writerows(map(truth_values, application.truth))
        count += 1
        rows += len(application.rows)
        if progress is not None and count % 1000 == 0:
            progress(count)
    if progress is not None and count % 1000:
        progress(count)
    return count, rows
