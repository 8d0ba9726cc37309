"""Rotating, rewrapping and shredding the organisations' keys."""

import base64
import io
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evac.audit.models import AuditEvent
from evac.cases.models import Application, Person
from evac.conftest import make_case
from evac.protection import keys
from evac.protection.fields import index_lookup, unreadable_fields
from evac.protection.models import DataKey
from evac.protection.services import rewrap_data_keys, rotate_keys, shred_organisation_keys

PHONE = "+93799123456"


def sealed_phones(organisation) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.phone FROM cases_person p JOIN cases_application a ON a.id = p.application_id "
            "WHERE a.organisation_id = %s AND p.phone <> ''",
            [organisation.pk],
        )
        return [row[0] for row in cursor.fetchall()]


# Shredding


def test_after_shredding_the_organisation_s_protected_fields_cannot_be_read(canada, uk):
    ours = make_case(canada, address="Karte Char")
    theirs = make_case(uk, address="Wazir Akbar Khan")
    ciphertexts = sealed_phones(canada)

    shred_organisation_keys(canada)

    principal = Person.objects.get(application=ours, relationship="self")
    assert principal.phone == "" and principal.tazkira_number == ""
    assert set(unreadable_fields(principal)) == {"phone", "tazkira_number"}
    assert Application.objects.get(pk=ours.pk).address == ""
    assert principal.given_name == "Mohammad Wali"  # the case itself stays
    # Not even the master key opens them: the wrapped key bytes are gone.
    assert all(not bytes(k.wrapped) for k in DataKey.objects.filter(organisation=canada))
    for sealed in ciphertexts:
        with pytest.raises(keys.KeyDestroyed):
            keys.open_sealed(sealed, "cases.person.phone")
    # The other organisation is untouched.
    other = Person.objects.get(application=theirs, relationship="self")
    assert other.phone == PHONE and Application.objects.get(pk=theirs.pk).address == "Wazir Akbar Khan"


def test_saving_a_shredded_row_keeps_what_is_left_and_new_data_gets_a_new_key(canada):
    case = make_case(canada)
    shred_organisation_keys(canada)
    before = sealed_phones(canada)

    principal = Person.objects.get(application=case, relationship="self")
    principal.given_name = "Wali"
    principal.save()
    assert sealed_phones(canada) == before  # written back untouched, not as ""

    fresh = make_case(canada)
    assert Person.objects.get(application=fresh, relationship="self").phone == PHONE
    assert DataKey.objects.filter(organisation=canada, state="active").count() == 1


def test_shredding_is_audited(canada):
    make_case(canada)
    shred_organisation_keys(canada)
    event = AuditEvent.objects.get(action="protection.keys_shredded")
    assert event.organisation == canada
    assert event.detail["key versions destroyed"] == [1]


def test_the_case_page_says_the_data_was_destroyed(canada, officer, client):
    case = make_case(canada)
    shred_organisation_keys(canada)
    client.force_login(officer)
    page = client.get(reverse("cases:detail", kwargs={"org": canada.slug, "ref": case.reference}))
    assert "data key was destroyed" in page.content.decode()


def test_the_command_asks_for_the_slug_and_destroys_nothing_without_it(canada, monkeypatch):
    make_case(canada)
    with pytest.raises(CommandError, match="not confirmed"):
        call_command("shred_org_keys", org="canada")  # no terminal to ask at, in tests
    with pytest.raises(CommandError, match="not confirmed"):
        call_command("shred_org_keys", org="canada", confirm="uk")
    assert not DataKey.objects.filter(state="destroyed").exists()

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "canada")
    out = io.StringIO()
    call_command("shred_org_keys", org="canada", stdout=out)
    assert "unreadable" in out.getvalue()
    assert DataKey.objects.filter(organisation=canada, state="destroyed").count() == 1


def test_the_command_with_confirm_names_who_ran_it(canada, admin_user):
    make_case(canada)
    call_command(
        "shred_org_keys", org="canada", confirm="canada", by=admin_user.username, stdout=io.StringIO()
    )
    assert AuditEvent.objects.get(action="protection.keys_shredded").actor == admin_user


# Rotation


def test_rotation_re_encrypts_everything_under_a_new_key_and_destroys_the_old(canada, uk):
    make_case(canada, address="Karte Char")
    make_case(canada)
    make_case(uk)
    old = DataKey.objects.get(organisation=canada)
    uk_before = sealed_phones(uk)

    rotation = rotate_keys(canada, settle_seconds=0)

    new = DataKey.objects.get(organisation=canada, state="active")
    assert (rotation.new_version, rotation.retired_versions) == (2, [1])
    assert rotation.rows == {
        "cases.Application": 1,
        "cases.Person": 2,
        "notify.Message": 0,
        "flights.FlightKey": 0,
    }
    assert all(keys.key_id_of(s) == new.pk for s in sealed_phones(canada))
    old.refresh_from_db()
    assert old.state == "destroyed" and not bytes(old.wrapped)
    assert [
        p.phone for p in Person.objects.filter(relationship="self", application__organisation=canada)
    ] == [
        PHONE,
        PHONE,
    ]
    assert Application.objects.filter(organisation=canada).exclude(address="").get().address == "Karte Char"
    # The blind indexes moved with it, and the other organisation did not move at all.
    assert Person.objects.filter(**index_lookup(Person, "phone", canada.pk, PHONE)).count() == 2
    assert sealed_phones(uk) == uk_before
    assert AuditEvent.objects.get(action="protection.keys_rotated").detail["old versions destroyed"] == [1]


def test_an_interrupted_rotation_still_finds_and_reads_everything(canada):
    make_case(canada)
    keys.new_data_key(canada.pk)  # the rotation made its new key, then stopped before re-encrypting
    assert Person.objects.get(relationship="self").phone == PHONE  # opened with the retired key
    assert Person.objects.filter(**index_lookup(Person, "phone", canada.pk, PHONE)).count() == 1
    make_case(canada)  # new rows go under the new key
    assert Person.objects.filter(**index_lookup(Person, "phone", canada.pk, PHONE)).count() == 2

    rotate_keys(canada, settle_seconds=0)  # run again: it finishes the job
    assert Person.objects.filter(**index_lookup(Person, "phone", canada.pk, PHONE)).count() == 2
    assert DataKey.objects.filter(organisation=canada).exclude(state="destroyed").count() == 1


def test_rotation_leaves_already_shredded_values_alone(canada):
    make_case(canada)
    shred_organisation_keys(canada)
    gone = sealed_phones(canada)
    rotation = rotate_keys(canada, settle_seconds=0)
    assert sealed_phones(canada) == gone
    assert rotation.rows["cases.Person"] == 0


def test_the_rotate_command(canada):
    make_case(canada)
    out = io.StringIO()
    call_command("rotate_keys", org="canada", stdout=out, settle=0)
    assert "data key v2 active" in out.getvalue()
    with pytest.raises(CommandError, match="no organisation"):
        call_command("rotate_keys", org="nowhere")


# The master key


def _new_master() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_a_changed_master_key_is_named_as_such(canada, settings):
    make_case(canada)
    settings.EVAC_MASTER_KEY = _new_master()
    keys.forget_keys()
    with pytest.raises(ImproperlyConfigured, match="wrapped by master key"):
        Person.objects.get(relationship="self").phone  # noqa: B018 - reading is what fails


def test_rewrapping_moves_the_data_keys_to_the_new_master_key(canada, settings):
    make_case(canada)
    settings.EVAC_MASTER_KEY_PREVIOUS = [settings.EVAC_MASTER_KEY]
    settings.EVAC_MASTER_KEY = _new_master()
    keys.forget_keys()
    assert rewrap_data_keys() == 1

    settings.EVAC_MASTER_KEY_PREVIOUS = []  # the old master key can now be thrown away
    keys.forget_keys()
    assert Person.objects.get(relationship="self").phone == PHONE
    assert AuditEvent.objects.filter(action="protection.keys_rewrapped").exists()


def test_a_master_key_that_is_not_32_bytes_is_refused(settings):
    settings.EVAC_MASTER_KEY = base64.b64encode(b"short").decode()
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        keys.current_master()


def test_a_new_organisation_gets_its_key_once_it_is_committed(db, django_capture_on_commit_callbacks):
    from evac.conftest import make_org

    with django_capture_on_commit_callbacks(execute=True):
        organisation = make_org("denmark")
    assert DataKey.objects.filter(organisation=organisation, state="active").count() == 1
    # ...so that sealing needs no query for the key once the process has it.
    keys.assume_committed_for_tests()
    keys.active_key(organisation.pk)
    with CaptureQueriesContext(connection) as queries:
        keys.active_key(organisation.pk)
    assert len(queries.captured_queries) == 0
