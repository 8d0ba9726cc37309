"""Issuing boarding passes: one per person of a placed family, re-issued with a new nonce, never for a
family not placed on the flight, and with the identity summary the token carries."""

import pytest
from django.db import connection

from evac.audit.models import AuditEvent
from evac.flights import signing, tokens
from evac.flights.models import BoardingPass, FlightKey, FlightStatus
from evac.flights.passes import (
    FlightClosed,
    Identity,
    NotPlaced,
    issue_passes,
    token_for,
    void_passes,
)
from evac.flights.tests.gate_factories import make_flight, place, placed_with_passes
from evac.protection.fields import ProtectedValue


@pytest.fixture
def flight(canada):
    return make_flight(canada)


def test_a_placed_family_gets_one_pass_per_person(case, flight, planner):
    passes = placed_with_passes(case, flight, actor=planner)
    assert len(passes) == case.people.count() == 4
    assert {bp.person_id for bp in passes} == set(case.people.values_list("pk", flat=True))
    assert len({bp.nonce for bp in passes}) == 4 and all(len(bp.nonce) == 16 for bp in passes)
    event = AuditEvent.objects.get(action="boarding_pass.issue")
    assert event.target_ref == case.reference and sorted(event.detail["issued"]) == sorted(
        bp.reference for bp in passes
    )


def test_issuing_twice_changes_nothing(case, flight):
    first = placed_with_passes(case, flight)
    again = issue_passes(case, flight, actor=None)
    assert [bp.pk for bp in again] == [bp.pk for bp in first]
    assert BoardingPass.objects.count() == 4
    assert AuditEvent.objects.filter(action="boarding_pass.issue").count() == 1


def test_a_reissue_voids_the_old_passes_and_their_tokens_stop_matching(case, flight):
    first = placed_with_passes(case, flight)
    old_token = token_for(first[0])
    again = issue_passes(case, flight, actor=None, reissue=True)
    assert {bp.pk for bp in again}.isdisjoint(bp.pk for bp in first)
    assert set(
        BoardingPass.objects.filter(pk__in=[bp.pk for bp in first]).values_list("state", flat=True)
    ) == {"void"}
    assert again[0].nonce != first[0].nonce and again[0].reference != first[0].reference
    # The old token is still well signed: the gate refuses it by its nonce (test_gate.py).
    assert tokens.verify(old_token, signing.public_key(flight)).nonce == first[0].nonce


def test_a_reissue_keeps_a_boarded_pass(case, flight):
    first = placed_with_passes(case, flight)
    BoardingPass.objects.filter(pk=first[0].pk).update(state="boarded")
    again = issue_passes(case, flight, actor=None, reissue=True)
    assert first[0].pk in {bp.pk for bp in again}


def test_a_family_not_placed_on_the_flight_gets_no_pass(case, flight, canada):
    with pytest.raises(NotPlaced):
        issue_passes(case, flight, actor=None)
    place(case, make_flight(canada, "CFC4022"))
    with pytest.raises(NotPlaced):
        issue_passes(case, flight, actor=None)
    assert not BoardingPass.objects.exists()


def test_another_organisations_flight_gets_no_pass(case, uk):
    with pytest.raises(NotPlaced):
        issue_passes(case, make_flight(uk), actor=None)


def test_a_departed_flight_gets_no_pass(case, flight):
    place(case, flight)
    flight.status = FlightStatus.DEPARTED
    flight.save()
    with pytest.raises(FlightClosed):
        issue_passes(case, flight, actor=None)


def test_moving_the_family_voids_its_passes_on_the_old_flight(case, flight, canada):
    old = placed_with_passes(case, flight)
    later = make_flight(canada, "CFC4030")
    new = placed_with_passes(case, later)
    assert set(BoardingPass.objects.filter(pk__in=[bp.pk for bp in old]).values_list("state", flat=True)) == {
        "void"
    }
    assert all(bp.flight_id == later.pk and bp.state == "issued" for bp in new)


def test_void_passes_voids_the_unused_ones(case, flight):
    passes = placed_with_passes(case, flight)
    BoardingPass.objects.filter(pk=passes[0].pk).update(state="boarded")
    assert void_passes(case, actor=None, reason="withdrawn") == 3
    assert BoardingPass.objects.filter(state="boarded").count() == 1
    assert AuditEvent.objects.get(action="boarding_pass.void").detail["reason"] == "withdrawn"


def test_the_identity_summary_is_short_and_photo_free(case, flight):
    principal = case.people.get(relationship="self")
    identity = Identity.of(principal)
    assert identity == Identity("Mohammad Wali Ahmadzai", "محمد ولی احمدزی", 1986, "T678")
    principal.passport_number = "P 01234 59"
    principal.save()
    assert Identity.of(principal).document == "P459"  # the passport first, when there is one
    principal.passport_number = "۱۲۳۴۵۶"
    principal.tazkira_number = ""
    principal.save()
    assert Identity.of(principal).document == "P456"  # Eastern Arabic-Indic digits read as digits


def test_the_token_carries_the_summary_and_nothing_more(case, flight):
    bp = placed_with_passes(case, flight)[0]
    token = token_for(bp)
    claims = tokens.verify(token, signing.public_key(flight))
    assert (claims.pass_id, claims.flight_id, claims.nonce) == (bp.public_id, flight.public_id, bp.nonce)
    assert (claims.name, claims.birth_year, claims.document_digits) == (
        "Mohammad Wali Ahmadzai",
        1986,
        "T678",
    )
    raw = tokens.b45decode(token[len(tokens.PREFIX) :])
    for secret in (b"1400", b"12345678", b"+93", b"Gul Ahmad", b"Kandahar"):
        assert secret not in raw


def test_the_flights_private_key_is_sealed_with_the_organisations_key(case, flight):
    placed_with_passes(case, flight)
    record = FlightKey.objects.get(flight=flight)
    assert isinstance(record.seed, ProtectedValue) and record.seed.ciphertext.startswith("ev1.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT seed FROM flights_flightkey WHERE id = %s", [record.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("ev1.") and str(record.seed) not in stored
    assert signing.public_key_base64(flight) == record.public_key
