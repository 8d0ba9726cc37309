"""The synthetic application generator: deterministic, well-formed, and truthful about its duplicates."""

import csv
import io
import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import jdatetime
import pytest
from django.core.management import call_command

from evac.core.dates import parse_partial_date
from evac.demo import generator, names
from evac.demo.formats import to_solar_hijri
from evac.demo.generator import INTERCHANGE_COLUMNS, TRUTH_COLUMNS, VARIATIONS, generate, write_csv
from evac.demo.spelling import french_transliteration, latin_variant

RELATIONSHIPS = {"self", "spouse", "child", "parent", "sibling", "other"}
ROLES = {role for role, _ in names.ROLES}
PERSO_ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.fixture(scope="module")
def applications():
    return list(generate(4000, 11))


def _csv_bytes(count: int, seed: int, **kwargs) -> tuple[str, str]:
    out, truth = io.StringIO(), io.StringIO()
    write_csv(generate(count, seed, **kwargs), out, truth)
    return out.getvalue(), truth.getvalue()


def _rows(applications):
    for application in applications:
        yield from zip(application.rows, application.truth, strict=True)


def test_the_same_seed_gives_the_same_bytes():
    assert _csv_bytes(600, 3) == _csv_bytes(600, 3)


def test_a_different_seed_gives_different_data():
    assert _csv_bytes(600, 3)[0] != _csv_bytes(600, 4)[0]


def test_the_header_is_exact():
    out, truth = _csv_bytes(5, 1)
    assert next(csv.reader(io.StringIO(out))) == list(INTERCHANGE_COLUMNS)
    assert next(csv.reader(io.StringIO(truth))) == list(TRUTH_COLUMNS)


def test_write_csv_counts_applications_and_rows():
    out, truth = io.StringIO(), io.StringIO()
    seen = []
    count, rows = write_csv(generate(1500, 2), out, truth, progress=seen.append)
    assert count == 1500
    assert rows == len(out.getvalue().splitlines()) - 1 == len(truth.getvalue().splitlines()) - 1
    assert seen == [1000, 1500]


def test_refs_are_unique(applications):
    application_refs = [a.application_ref for a in applications]
    person_refs = [row["person_ref"] for a in applications for row in a.rows]
    assert len(set(application_refs)) == len(application_refs) == 4000
    assert len(set(person_refs)) == len(person_refs)


def test_every_row_says_who_it_is(applications):
    for application in applications:
        for row in application.rows:
            assert list(row) == list(INTERCHANGE_COLUMNS)
            assert row["application_ref"] == application.application_ref
            assert row["relationship"] in RELATIONSHIPS
            assert row["given_name"] or row["native_name"]
            assert row["sex"] in {"M", "F", ""}


def test_the_principal_comes_first_and_only_once(applications):
    for application in applications:
        relationships = [row["relationship"] for row in application.rows]
        assert relationships[0] == "self"
        assert relationships.count("self") == 1


def test_every_birth_date_parses_and_none_is_in_the_future(applications):
    for row, _ in _rows(applications):
        birth = parse_partial_date(row["birth_date"], today=date(2021, 8, 16))
        assert birth is not None
        assert birth.year >= 1925


def test_birth_dates_come_in_the_forms_people_use(applications):
    forms = Counter()
    for row, truth in _rows(applications):
        text = row["birth_date"].translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
        if not truth["variations"]:
            if re.fullmatch(r"\d{4}", text):
                forms["hijri_year" if int(text) < 1500 else "year"] += 1
            elif text.endswith("-01-01"):
                forms["placeholder"] += 1
            elif re.fullmatch(r"1[34]\d\d/\d\d/\d\d", text):
                forms["hijri"] += 1
            elif re.fullmatch(r"\d\d/\d\d/\d{4}", text):
                forms["dmy"] += 1
            else:
                forms["iso"] += 1
    total = sum(forms.values())
    assert 0.22 < forms["year"] / total < 0.40
    assert 0.10 < forms["placeholder"] / total < 0.22
    assert forms["hijri"] and forms["hijri_year"] and forms["dmy"] and forms["iso"]


def test_solar_hijri_dates_are_converted_correctly():
    day = date(1935, 1, 1)
    while day < date(2022, 1, 1):
        solar = jdatetime.date.fromgregorian(date=day)
        assert to_solar_hijri(day) == (solar.year, solar.month, solar.day)
        day += timedelta(days=3)


def test_ages_are_realistic(applications):
    for application in applications:
        rows = [
            (row["relationship"], parse_partial_date(row["birth_date"]).year, truth["variations"])
            for row, truth in zip(application.rows, application.truth, strict=True)
        ]
        if any(rows_variations for _, _, rows_variations in rows):
            continue  # a re-submission may shift a year; the originals must be exact
        principal_year = rows[0][1]
        # Solar Hijri years read as Gregorian may be one early.
        assert 1959 <= principal_year <= 2002
        for relationship, year, _ in rows:
            if relationship == "child":
                assert 2000 <= year <= 2021
                assert year - principal_year >= 14


def test_employment_and_email_are_on_the_principal_only(applications):
    for application in applications:
        principal, *others = application.rows
        assert principal["role"] in ROLES
        assert principal["employer"]
        assert "2002" <= principal["employment_start"][:4] <= "2020"
        if principal["employment_end"]:
            assert principal["employment_start"] < principal["employment_end"] <= "2021-08-15"
        for row in others:
            assert not (row["role"] or row["employer"] or row["employment_start"] or row["employment_end"])
            assert not row["email"]


def test_families_have_about_four_people_and_realistic_identity_fields(applications):
    rows = [row for a in applications for row in a.rows]
    assert 3.6 < len(rows) / len(applications) < 4.8
    principals = [a.rows[0] for a in applications]
    assert 0.2 < sum(bool(p["email"]) for p in principals) / len(principals) < 0.4
    assert 0.3 < sum(not p["family_name"] for p in principals) / len(principals) < 0.5
    assert 0.5 < sum(bool(r["native_name"]) for r in rows) / len(rows) < 0.7
    assert 0.45 < sum(bool(r["tazkira_number"]) for r in rows) / len(rows) < 0.7
    assert 0.15 < sum(bool(r["passport_number"]) for r in rows) / len(rows) < 0.35
    assert sum(r["nationality"] == "AF" for r in rows) / len(rows) > 0.95
    phone = re.compile(r"^(0|\+93 ?|0093|\+93-)7\d[\d -]{7,10}$")
    assert all(phone.match(r["phone"]) for r in rows if r["phone"])
    assert all(re.fullmatch(r"P\d{7,8}", r["passport_number"]) for r in rows if r["passport_number"])
    assert Counter(p["province"] for p in principals).most_common(1)[0][0] == "Kabul"


def test_truth_rows_align_with_rows(applications):
    for application in applications:
        assert len(application.truth) == len(application.rows)
        for row, truth in zip(application.rows, application.truth, strict=True):
            assert list(truth) == list(TRUTH_COLUMNS)
            assert truth["person_ref"] == row["person_ref"]
            assert truth["application_ref"] == application.application_ref
        assert len({t["family_id"] for t in application.truth}) == 1
        assert len({t["person_id"] for t in application.truth}) == len(application.truth)


def test_duplicates_come_at_the_requested_rate_and_carry_variations(applications):
    families_seen: set[str] = set()
    people_seen: set[str] = set()
    duplicates = 0
    for application in applications:
        family_id = application.truth[0]["family_id"]
        if family_id in families_seen:
            duplicates += 1
            assert any(t["variations"] for t in application.truth)
            # Most people in a re-submission were in an earlier one (a newborn may be added).
            known = [t["person_id"] in people_seen for t in application.truth]
            assert sum(known) >= len(known) - 1
        else:
            assert not any(t["variations"] for t in application.truth)
            assert not any(t["person_id"] in people_seen for t in application.truth)
            families_seen.add(family_id)
        people_seen.update(t["person_id"] for t in application.truth)
    assert 0.12 < duplicates / len(applications) < 0.18


def test_the_duplicate_rate_is_a_parameter():
    def rate(applications) -> float:
        families = Counter(a.truth[0]["family_id"] for a in applications)
        return sum(n - 1 for n in families.values()) / len(applications)

    assert rate(list(generate(1000, 5, duplicate_rate=0))) == 0
    assert 0.25 < rate(list(generate(3000, 5, duplicate_rate=0.3))) < 0.35


def test_some_families_apply_several_times(applications):
    submissions = Counter(a.truth[0]["family_id"] for a in applications)
    assert max(submissions.values()) >= 3


def test_variations_are_named_from_the_vocabulary(applications):
    used = Counter()
    for _, truth in _rows(applications):
        for name in filter(None, truth["variations"].split(";")):
            assert name in VARIATIONS
            used[name] += 1
    # Every kind of variation shows up in a few thousand applications.
    assert set(used) == set(VARIATIONS)


def test_the_hard_variations_look_the_way_they_are_named(applications):
    first_seen: dict[str, dict[str, str]] = {}
    checked = Counter()
    for row, truth in _rows(applications):
        if not truth["variations"]:
            first_seen[truth["person_id"]] = row
            continue
        original = first_seen.get(truth["person_id"])
        if original is None:  # added in a re-submission: nothing to compare with
            continue
        variations = truth["variations"].split(";")
        if "native_only" in variations:
            assert not row["given_name"] and not row["family_name"]
            assert PERSO_ARABIC.search(row["native_name"])
            checked["native_only"] += 1
        if "year_only" in variations:
            assert re.fullmatch(r"\d{4}|[\u06f0-\u06f9]{4}", row["birth_date"])
            assert original["birth_date"] != row["birth_date"]
            checked["year_only"] += 1
        if "latin_variant" in variations:
            before = (original["given_name"], original["family_name"], original["father_name"])
            after = (row["given_name"], row["family_name"], row["father_name"])
            assert before != after
            checked["latin_variant"] += 1
        if "phone_format" in variations and original["phone"]:
            assert row["phone"] != original["phone"]
            assert re.sub(r"\D", "", row["phone"])[-9:] == re.sub(r"\D", "", original["phone"])[-9:]
            checked["phone_format"] += 1
    assert min(checked.values()) >= 5, checked
    assert len(checked) == 4


def _namesake_principals(applications) -> list[set[tuple[str, str, str]]]:
    """Groups of first-time principals with the same father's name, family name and province."""
    groups = defaultdict(set)
    for application in applications:
        row, truth = application.rows[0], application.truth[0]
        if not truth["variations"] and row["family_name"] and row["father_name"]:
            key = (row["father_name"], row["family_name"], row["province"])
            groups[key].add((truth["person_id"], truth["family_id"], row["given_name"]))
    return [group for group in groups.values() if len({given for _, _, given in group}) > 1]


def test_hard_negatives_share_a_father_and_family_name(applications):
    """Different people whose names line up: each keeps their own person_id and family_id."""
    groups = _namesake_principals(applications)
    assert groups
    for group in groups:
        assert len({person for person, _, _ in group}) == len(group)
        assert len({family for _, family, _ in group}) == len(group)


def test_brothers_apply_separately(applications, monkeypatch):
    """More namesakes than common names alone would give: brothers of earlier applicants."""
    with_brothers = sum(len(group) for group in _namesake_principals(applications))
    monkeypatch.setattr(generator, "_BROTHER_RATE", 0)
    by_chance = sum(len(group) for group in _namesake_principals(generate(4000, 11)))
    assert with_brothers > 2 * by_chance + 10


def _grandfather_namesakes(applications) -> int:
    return sum(
        row["relationship"] == "child" and row["given_name"] == application.rows[0]["father_name"] != ""
        for application in applications
        if not application.truth[0]["variations"]
        for row in application.rows
    )


def test_some_sons_are_named_after_their_grandfather(applications, monkeypatch):
    with_namesakes = _grandfather_namesakes(applications)
    monkeypatch.setattr(generator, "_GRANDFATHER_NAMESAKE_RATE", 0)
    by_chance = _grandfather_namesakes(generate(4000, 11))
    assert with_namesakes > 2 * by_chance + 10


def test_common_names_belong_to_many_different_people(applications):
    people_called = defaultdict(set)
    for row, truth in _rows(applications):
        people_called[(row["given_name"], row["family_name"])].add(truth["person_id"])
    assert len(people_called[("Mohammad", "")]) > 20
    assert max(len(people) for (given, family), people in people_called.items() if family) > 3


def test_spelling_variants_are_the_ones_people_write():
    assert latin_variant("Mohammad", _AlwaysFirst(), {}) == "Muhammad"
    memo: dict[str, str] = {}
    assert latin_variant("Gul Mohammad", _AlwaysFirst(), memo).split()[1] == memo["Mohammad"]
    assert french_transliteration("Abdul Rahman Ahmadzai") == "Abdoul Rahmane Ahmadzaï"
    assert french_transliteration("Shir Agha") == "Chir Agha"


class _AlwaysFirst:
    """A stand-in for Random that always takes the first option."""

    def random(self) -> float:
        return 0.0

    def randrange(self, n: int) -> int:
        return 0


def test_the_name_tables_are_big_enough_and_bilingual():
    assert len(names.MALE_GIVEN_NAMES) >= 150
    assert len(names.FEMALE_GIVEN_NAMES) >= 80
    assert len(names.FAMILY_NAMES) >= 80
    for table in (names.MALE_GIVEN_NAMES, names.FEMALE_GIVEN_NAMES, names.FAMILY_NAMES):
        assert len({latin for latin, _, _ in table}) == len(table)
        assert all(PERSO_ARABIC.search(native) for _, native, _ in table)
    assert len({code for code, *_ in names.PROVINCES}) == 34


def test_the_command_writes_both_files(tmp_path):
    out, truth = tmp_path / "apps.csv", tmp_path / "truth.csv"
    stdout, stderr = io.StringIO(), io.StringIO()
    call_command(
        "generate_applications",
        "--count=300",
        "--seed=9",
        f"--out={out}",
        f"--truth={truth}",
        "--duplicate-rate=0.2",
        stdout=stdout,
        stderr=stderr,
    )
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    with truth.open(encoding="utf-8", newline="") as f:
        truths = list(csv.DictReader(f))
    assert len(rows) == len(truths) > 300
    assert [r["person_ref"] for r in rows] == [t["person_ref"] for t in truths]
    assert len({r["application_ref"] for r in rows}) == 300
    assert "300 applications" in stdout.getvalue()
    # The same files as the library writes for the same arguments.
    assert out.read_text(encoding="utf-8") == _csv_bytes(300, 9, duplicate_rate=0.2)[0]
