"""The cell parsers, with examples and with hypothesis: they never fail in an undocumented way."""

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evac.core.dates import DateError
from evac.imports.rows import (
    normalise_phone,
    parse_date,
    parse_relationship,
    parse_role,
    parse_row,
    parse_sex,
)

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("self", "self"), ("Principal", "self"), ("principal applicant", "self"), ("Demandeur principal", "self"),
        ("lui-même", "self"), ("wife", "spouse"), ("Husband", "spouse"), ("ÉPOUSE", "spouse"), ("époux", "spouse"),
        ("conjoint", "spouse"), ("son", "child"), ("Daughter", "child"), ("fils", "child"), ("fille", "child"),
        ("enfant", "child"), ("father", "parent"), ("mère", "parent"), ("Père", "parent"), ("brother", "sibling"),
        ("sœur", "sibling"), ("soeur", "sibling"), ("frère", "sibling"), ("autre", "other"), ("other", "other"),
        ("cousin", None), ("", None),
    ],
)  # fmt: skip
def test_relationships_in_english_and_french(written, expected):
    assert parse_relationship(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [("M", "M"), ("f", "F"), ("male", "M"), ("Female", "F"), ("homme", "M"), ("Femme", "F"), ("H", "M"),
     ("", ""), ("?", None), ("unknown", None)],
)  # fmt: skip
def test_sex(written, expected):
    assert parse_sex(written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [("interprète", ("interpreter", "")), ("Interpreter", ("interpreter", "")), ("chauffeur", ("driver", "")),
     ("cuisinier", ("cook", "")), ("gardien", ("security_guard", "")), ("agent de sécurité", ("security_guard", "")),
     ("femme de ménage", ("cleaner", "")), ("ouvrier", ("construction_worker", "")),
     ("security_guard", ("security_guard", "")), ("Mechanic", ("other", "Mechanic")), ("", ("", ""))],
)  # fmt: skip
def test_roles_resolve_to_the_canonical_values(written, expected):
    assert parse_role(written) == expected


@pytest.mark.parametrize(
    "written", ["0799123456", "+93 799 123 456", "+93799123456", "0093799123456", "+93-79-912-3456",
                "0799 123 456", "799123456", "۰۷۹۹۱۲۳۴۵۶"],
)  # fmt: skip
def test_afghan_numbers_in_every_form_become_e164(written):
    assert normalise_phone(written) == ("+93799123456", True)


def test_an_unreadable_phone_is_kept_as_written_and_said_so():
    assert normalise_phone(" call the office ") == ("call the office", False)
    assert normalise_phone("12") == ("12", False)
    assert normalise_phone("+44 20 7946 0958") == ("+442079460958", True)


@given(st.text(max_size=30))
def test_dates_raise_nothing_but_date_error(text):
    try:
        result = parse_date(text, today=TODAY)
    except DateError:
        return
    if result is not None:
        assert result.year >= 1900 and result.earliest() <= TODAY


@given(st.from_regex(r"\A[0-9۰-۹/.\- ]{0,12}\Z"))
def test_date_like_text_raises_nothing_but_date_error(text):
    with contextlib.suppress(DateError):
        parse_date(text, today=TODAY)


@given(st.text(max_size=40))
def test_relationship_and_sex_parsing_never_raise_and_answer_a_known_value(text):
    assert parse_relationship(text) in {None, "self", "spouse", "child", "parent", "sibling", "other"}
    assert parse_sex(text) in {None, "", "M", "F", "X"}


@given(st.one_of(st.text(max_size=25), st.from_regex(r"\A(\+93|0093|0)?[ -]?7[0-9 -]{8,11}\Z")))
def test_phone_normalisation_is_idempotent(text):
    once, _ok = normalise_phone(text)
    assert normalise_phone(once)[0] == once


@given(st.dictionaries(st.sampled_from(["application_ref", "relationship", "given_name", "native_name",
                                        "birth_date", "phone", "email", "sex", "province", "role"]),
                       st.text(max_size=20)))  # fmt: skip
def test_a_row_is_either_clean_or_has_reasons(raw):
    raw = {k: v.strip() for k, v in raw.items()}
    parsed, errors = parse_row(2, raw, today=TODAY)
    assert (parsed is None) == bool(errors)
    if parsed is not None:
        assert parsed.person["given_name"] or parsed.person["native_name"]


def test_a_row_keeps_unresolved_values_as_written_and_flags_them():
    parsed, errors = parse_row(
        5,
        {"application_ref": "A", "relationship": "self", "given_name": "Wali", "birth_date": "1987-01-01",
         "phone": "ask his brother", "email": "not-an-email", "sex": "?", "province": "Atlantis",
         "role": "Mechanic", "employer": "Someone"},
        today=TODAY,
    )  # fmt: skip
    assert errors == []
    assert parsed.person["phone"] == "ask his brother" and parsed.person["email"] == ""
    assert parsed.province is None and parsed.province_as_written == "Atlantis"
    assert (parsed.role, parsed.role_as_written) == ("other", "Mechanic")
    assert parsed.flags == {
        "phone_unparsed", "email_invalid", "sex_unknown", "province_unresolved", "role_unknown",
        "placeholder_birth_date",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "column", "reason"),
    [
        ({"relationship": "self"}, "given_name", "no name in any script"),
        ({"relationship": "cousin", "given_name": "A"}, "relationship", "unknown relationship"),
        ({"relationship": "self", "given_name": "A", "birth_date": "2099"}, "birth_date", "future"),
        ({"relationship": "self", "given_name": "A", "birth_date": "31/02/1990"}, "birth_date", "impossible"),
        ({"relationship": "self", "given_name": "A", "birth_date": "1850"}, "birth_date", "impossible"),
        ({"relationship": "self", "given_name": "A", "birth_date": "soon"}, "birth_date", "not a date"),
        ({"relationship": "self", "given_name": "A" * 101}, "given_name", "longer than 100"),
    ],
)
def test_what_makes_a_row_unusable_rejects_it_without_quoting_the_cell(raw, column, reason):
    parsed, errors = parse_row(3, {"application_ref": "A", **raw}, today=TODAY)
    assert parsed is None
    assert [c for c, _r in errors] == [column]
    assert reason in errors[0][1]
    assert "2099" not in errors[0][1] and "soon" not in errors[0][1]


def test_one_name_written_as_a_family_name_is_the_persons_name():
    parsed, _errors = parse_row(
        3, {"application_ref": "A", "relationship": "self", "family_name": "Ahmadzai"}, today=TODAY
    )
    assert (parsed.person["given_name"], parsed.person["family_name"]) == ("Ahmadzai", "")
