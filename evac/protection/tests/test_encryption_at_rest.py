"""Documents, phones, emails and addresses are encrypted at rest, and still found by equality."""

import importlib
import io
import json
import shutil
import subprocess

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from evac.accounts.roles import Role
from evac.api.services import issue_token
from evac.cases.models import Application, Person
from evac.cases.queries import search_cases
from evac.conftest import make_case, make_org, make_user
from evac.imports.tests.conftest import import_bytes, table
from evac.protection import keys
from evac.protection.fields import ProtectedValue, index_lookup
from evac.protection.keys import ProtectionError
from evac.protection.models import DataKey

PHONE = "+93799123456"  # make_case's principal
TAZKIRA = "1400-0101-12345678"


def raw_person(person: Person) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT phone, tazkira_number, passport_number, email, phone_index FROM cases_person WHERE id = %s",
            [person.pk],
        )
        phone, tazkira, passport, email, phone_index = cursor.fetchone()
    return {"phone": phone, "tazkira": tazkira, "passport": passport, "email": email, "index": phone_index}


def test_the_columns_hold_ciphertext_and_the_model_reads_plaintext(canada):
    case = make_case(canada, address="Karte Char, street 3, house 12")
    principal = case.people.get(relationship="self")
    principal.passport_number, principal.email = "P01234567", "wali@example.org"
    principal.save()

    stored = raw_person(principal)
    for column, plain in [
        ("phone", PHONE),
        ("tazkira", TAZKIRA),
        ("passport", "P01234567"),
        ("email", "wali@"),
    ]:
        assert stored[column].startswith("ev1."), column
        assert plain not in stored[column]
    fresh = Person.objects.get(pk=principal.pk)
    assert (fresh.phone, fresh.tazkira_number, fresh.passport_number, fresh.email) == (
        PHONE,
        TAZKIRA,
        "P01234567",
        "wali@example.org",
    )
    assert Application.objects.get(pk=case.pk).address == "Karte Char, street 3, house 12"
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM cases_application WHERE id = %s", [case.pk])
        assert cursor.fetchone()[0].startswith("ev1.")


def test_the_same_value_is_sealed_differently_each_time(canada):
    one, two = make_case(canada), make_case(canada)
    first = raw_person(one.people.get(relationship="self"))
    second = raw_person(two.people.get(relationship="self"))
    assert first["phone"] != second["phone"]  # a fresh nonce each time: equal values do not show
    assert first["index"] == second["index"]  # ... but the blind index lets them be found


def test_a_sealed_value_does_not_open_in_another_column_or_organisation(canada, uk):
    principal = make_case(canada).people.get(relationship="self")
    sealed = raw_person(principal)["phone"]
    with pytest.raises(ProtectionError, match="does not open"):
        keys.open_sealed(sealed, "cases.person.tazkira_number")
    # Forge the same ciphertext under uk's key id: the associated data names canada's key and organisation.
    uk_key = keys.active_key(uk.pk)
    forged = f"ev1.{uk_key.id}.{sealed.split('.', 2)[2]}"
    with pytest.raises(ProtectionError, match="does not open"):
        keys.open_sealed(forged, "cases.person.phone")


def test_a_value_copied_into_another_column_is_sealed_again_for_it(canada):
    case = make_case(canada)
    principal = Person.objects.get(application=case, relationship="self")
    spouse = Person.objects.get(application=case, relationship="spouse")
    spouse.tazkira_number = principal.phone  # the same text, read from another column
    spouse.save()
    assert Person.objects.get(pk=spouse.pk).tazkira_number == PHONE
    case.address = principal.phone
    case.save()
    assert Application.objects.get(pk=case.pk).address == PHONE


def test_plaintext_never_reaches_the_database_by_a_side_door(canada):
    make_case(canada)
    with pytest.raises(ProtectionError, match="find rows by its blind index"):
        Person.objects.filter(phone=PHONE).exists()
    with pytest.raises(ProtectionError), transaction.atomic():
        Person.objects.filter(relationship="self").update(phone="+93700000000")
    assert Person.objects.filter(phone="").count() == 3  # the spouse and the two children have none


def test_equality_lookups_go_through_the_blind_index_in_any_writing(canada, uk):
    ours = make_case(canada)
    make_case(uk)  # the same phone in another organisation
    for written in [PHONE, "0799 123 456", "0093 799-123-456", "۰۷۹۹۱۲۳۴۵۶"]:
        found = Person.objects.filter(
            application__organisation=canada, **index_lookup(Person, "phone", canada.pk, written)
        )
        assert [p.application_id for p in found] == [ours.pk], written
    by_tazkira = index_lookup(Person, "tazkira_number", canada.pk, "1400 0101 12345678")
    assert Person.objects.filter(**by_tazkira).get().application_id == ours.pk
    # Each organisation's index is keyed by its own key: the same phone does not link the two.
    canada_index = Person.objects.get(application=ours, relationship="self").phone_index
    assert not Person.objects.filter(application__organisation=uk, phone_index=canada_index).exists()


def test_the_case_list_finds_a_family_by_phone_or_document_number(canada, uk):
    ours = make_case(canada)
    make_case(uk)
    assert list(search_cases(canada, q="0799 123 456")) == [ours]
    assert list(search_cases(canada, q="1400-0101-12345678")) == [ours]
    assert list(search_cases(canada, q="0700 000 000")) == []


def test_saving_only_the_protected_field_keeps_its_index_in_step(canada):
    principal = make_case(canada).people.get(relationship="self")
    principal.phone = "+93700111222"
    principal.save(update_fields=["phone"])
    assert Person.objects.filter(**index_lookup(Person, "phone", canada.pk, "0700 111 222")).exists()
    assert not Person.objects.filter(**index_lookup(Person, "phone", canada.pk, PHONE)).exists()


def test_an_unchanged_value_is_not_encrypted_again(canada):
    principal = make_case(canada).people.get(relationship="self")
    before = raw_person(principal)["phone"]
    fresh = Person.objects.get(pk=principal.pk)
    fresh.given_name = "Wali"
    fresh.save()
    assert raw_person(principal)["phone"] == before


def test_a_key_made_in_a_rolled_back_transaction_is_not_used_afterwards(canada):
    with pytest.raises(RuntimeError), transaction.atomic():
        keys.active_key(canada.pk)
        raise RuntimeError("the import failed")
    assert not DataKey.objects.filter(organisation=canada).exists()
    principal = make_case(canada).people.get(relationship="self")  # seals with a key that exists
    assert Person.objects.get(pk=principal.pk).phone == PHONE


def test_every_way_in_seals(canada, officer, client):
    """The staff form, the API and an import all write through the same fields."""
    import_bytes(table(), canada)
    _token, raw_token = issue_token(officer, name="tests")
    response = client.post(
        f"/api/v1/orgs/{canada.slug}/applications",
        HTTP_AUTHORIZATION=f"Bearer {raw_token}",
        data=json.dumps(
            {
                "program": canada.programs.first().slug,
                "address": "Khair Khana, block 4",
                "people": [
                    {
                        "relationship": "self",
                        "given_name": "Rahim",
                        "phone": "+93 70 555 0101",
                        "passport_number": "P7654321",
                    }
                ],
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, passport_number, tazkira_number, email FROM cases_person")
        values = [v for row in cursor.fetchall() for v in row if v]
        cursor.execute("SELECT address FROM cases_application WHERE address <> ''")
        values += [row[0] for row in cursor.fetchall()]
    assert len(values) > 5
    assert all(v.startswith("ev1.") for v in values), values


def _plaintexts() -> list[str]:
    return [PHONE, "799123456", TAZKIRA, "12345678", "wali@example.org", "Karte Char"]


def _seed_for_dump(organisation):
    case = make_case(organisation, address="Karte Char, street 3")
    principal = case.people.get(relationship="self")
    principal.email = "wali@example.org"
    principal.save()


@pytest.mark.django_db
def test_a_dump_of_the_sqlite_database_holds_no_plaintext(canada):
    if connection.vendor != "sqlite":
        pytest.skip("this one reads SQLite's own dump; the PostgreSQL one runs pg_dump")
    _seed_for_dump(canada)
    dump = "\n".join(connection.connection.iterdump())
    assert "Mohammad Wali" in dump  # the dump is of the right database (names are not protected)
    for plain in _plaintexts():
        assert plain not in dump, plain


@pytest.mark.django_db(transaction=True)
def test_a_pg_dump_holds_no_plaintext():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (CI runs it with DATABASE_URL set)")
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.skip("needs pg_dump (apt-get install postgresql-client)")
    _seed_for_dump(make_org("canada"))
    settings = connection.settings_dict
    dump = subprocess.run(  # noqa: S603 - pg_dump of our own test database
        [
            pg_dump,
            "--data-only",
            "-h",
            settings["HOST"] or "127.0.0.1",
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"],
            settings["NAME"],
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    assert "Mohammad Wali" in dump
    for plain in _plaintexts():
        assert plain not in dump, plain


def test_dumpdata_writes_ciphertext_too(canada):
    _seed_for_dump(canada)
    out = io.StringIO()
    call_command("dumpdata", "cases.person", "cases.application", stdout=out)
    for plain in _plaintexts():
        assert plain not in out.getvalue(), plain
    assert '"phone": "ev1.' in out.getvalue()


def test_the_migration_seals_what_was_stored_in_plaintext(canada):
    principal = make_case(canada).people.get(relationship="self")
    with connection.cursor() as cursor:  # as the column was before protection
        cursor.execute(
            "UPDATE cases_person SET phone = %s, phone_index = '' WHERE id = %s",
            ["+93700222333", principal.pk],
        )
    migration = importlib.import_module("evac.cases.migrations.0006_seal_existing_values")
    migration.seal_existing(django_apps, None)
    assert raw_person(principal)["phone"].startswith("ev1.")
    assert Person.objects.get(pk=principal.pk).phone == "+93700222333"
    assert Person.objects.filter(**index_lookup(Person, "phone", canada.pk, "0700222333")).exists()


def test_reading_a_value_gives_a_plain_string_to_templates_and_json(canada, officer, client):
    case = make_case(canada)
    principal = Person.objects.get(application=case, relationship="self")
    assert isinstance(principal.phone, ProtectedValue)
    client.force_login(officer)
    page = client.get(reverse("cases:detail", kwargs={"org": canada.slug, "ref": case.reference}))
    assert PHONE in page.content.decode()
    _token, raw_token = issue_token(make_user(canada, Role.CASE_OFFICER), name="tests")
    api = client.get(
        f"/api/v1/orgs/{canada.slug}/applications/{case.reference}", HTTP_AUTHORIZATION=f"Bearer {raw_token}"
    )
    assert api.json()["people"][0]["phone"] == PHONE
