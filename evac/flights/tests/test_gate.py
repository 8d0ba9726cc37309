"""Check-in at the gate, as a service: a real pass boards once; a forged, altered, replaced, void or
foreign one never does; offline scans sync once each, with their conflicts reported and kept."""

import uuid
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.utils import timezone

from evac.audit.models import AuditEvent
from evac.audit.services import Origin
from evac.conftest import make_case
from evac.flights import gate, tokens
from evac.flights.models import BoardingPass, FlightStatus, GateScan
from evac.flights.passes import claims_for, issue_passes, token_for, void_passes
from evac.flights.tests.gate_factories import make_flight, placed_with_passes

WEB = Origin(ip="10.0.0.7")


@pytest.fixture
def flight(canada):
    return make_flight(canada)


@pytest.fixture
def passes(case, flight):
    return placed_with_passes(case, flight)


def board(flight, agent, *, offline=False, gate_name="A", **how):
    scan = gate.ScanInput(client_id=uuid.uuid4(), action="board", gate=gate_name, **how)
    return gate.apply_scan(flight, scan, agent=agent, origin=WEB, offline=offline)


def test_a_scanned_pass_shows_its_holder_and_family(flight, passes, agent):
    answer = gate.check(flight, token=token_for(passes[0]), agent=agent, origin=WEB)
    assert answer["ok"] and answer["pass"]["name"] == "Mohammad Wali Ahmadzai"
    assert answer["pass"]["birth_year"] == 1986 and answer["pass"]["document"] == "T678"
    assert [m["name"] for m in answer["family"]] == ["Mohammad Wali Ahmadzai", "Fatima", "Child0", "Child1"]
    assert {m["state"] for m in answer["family"]} == {"issued"}
    event = AuditEvent.objects.get(action="gate.check")
    assert event.actor == agent and event.target_ref == passes[0].reference


def test_a_pass_boards_once_and_the_replay_says_where_and_when(flight, passes, agent, planner):
    token = token_for(passes[1])
    first = board(flight, agent, token=token, gate_name="Abbey Gate")
    assert first.outcome == "boarded"
    bp = BoardingPass.objects.get(pk=passes[1].pk)
    assert (bp.state, bp.gate, bp.scanned_by) == ("boarded", "Abbey Gate", agent)

    replay = board(flight, planner, token=token, gate_name="North Gate")
    assert replay.outcome == "already_boarded"
    result = gate.result(replay)
    assert result["conflict"] and not result["ok"]
    assert (
        "Already boarded at gate Abbey Gate at" in result["message"] and agent.username in result["message"]
    )
    assert BoardingPass.objects.get(pk=bp.pk).gate == "Abbey Gate"
    warning = gate.check(flight, token=token, agent=planner, origin=WEB)["warning"]
    assert warning.startswith("Already boarded at gate Abbey Gate")
    assert AuditEvent.objects.filter(action="boarding_pass.board").count() == 1
    assert AuditEvent.objects.filter(action="boarding_pass.conflict").count() == 1


def test_a_forged_signature_is_refused(flight, passes, agent):
    forged = tokens.sign(claims_for(passes[0]), Ed25519PrivateKey.generate())
    answer = gate.check(flight, token=forged, agent=agent, origin=WEB)
    assert not answer["ok"] and answer["outcome"] == "forged"
    assert board(flight, agent, token=forged).outcome == "forged"
    assert BoardingPass.objects.get(pk=passes[0].pk).state == "issued"
    assert AuditEvent.objects.filter(action="boarding_pass.rejected").count() == 1


def test_an_altered_payload_is_refused(flight, passes, agent):
    payload, signature = tokens.split(token_for(passes[2]))
    claims = tokens.decode_claims(payload)
    altered = tokens.Claims(**{**claims.__dict__, "name": "Someone Else", "birth_year": 1970})
    token = tokens.PREFIX + tokens.b45encode(tokens.encode_claims(altered) + signature)
    assert board(flight, agent, token=token).outcome == "forged"
    assert BoardingPass.objects.get(pk=passes[2].pk).state == "issued"


def test_a_pass_for_another_flight_says_which(canada, flight, passes, agent):
    other_case = make_case(canada, given_name="Noor", family_name="Hashimi")
    other_flight = make_flight(canada, "CFC4099")
    other_pass = placed_with_passes(other_case, other_flight)[0]
    answer = gate.check(flight, token=token_for(other_pass), agent=agent, origin=WEB)
    assert answer["outcome"] == "other_flight" and "CFC4099" in answer["message"]
    typed = gate.check(flight, reference=other_pass.reference, agent=agent, origin=WEB)
    assert typed["outcome"] == "other_flight"
    assert board(flight, agent, token=token_for(other_pass)).outcome == "other_flight"
    assert BoardingPass.objects.get(pk=other_pass.pk).state == "issued"


def test_another_organisations_pass_is_just_not_valid(uk, flight, passes, agent):
    foreign_flight = make_flight(uk, "RRR101")
    foreign_pass = placed_with_passes(make_case(uk), foreign_flight)[0]
    answer = gate.check(flight, token=token_for(foreign_pass), agent=agent, origin=WEB)
    assert answer["outcome"] == "forged" and "RRR101" not in answer["message"]
    assert (
        gate.check(flight, reference=foreign_pass.reference, agent=agent, origin=WEB)["outcome"] == "unknown"
    )


def test_a_voided_pass_is_refused(case, flight, passes, agent):
    token = token_for(passes[0])
    void_passes(case, actor=None, reason="family moved")
    assert gate.check(flight, token=token, agent=agent, origin=WEB)["outcome"] == "void"
    assert board(flight, agent, token=token).outcome == "void"
    assert board(flight, agent, reference=passes[0].reference).outcome == "void"


def test_a_replaced_pass_is_refused_and_the_new_one_boards(case, flight, passes, agent):
    old_token = token_for(passes[0])
    new = issue_passes(case, flight, actor=None, reissue=True)
    answer = gate.check(flight, token=old_token, agent=agent, origin=WEB)
    assert answer["outcome"] == "replaced" and "newer" in answer["message"]
    assert board(flight, agent, token=token_for(new[0])).outcome == "boarded"


def test_a_typed_reference_finds_the_pass(flight, passes, agent):
    typed = passes[3].reference.lower()
    answer = gate.check(flight, reference=f"{typed[:3]}-{typed[3:6]} {typed[6:]}", agent=agent, origin=WEB)
    assert answer["ok"] and answer["pass"]["id"] == str(passes[3].public_id)
    assert gate.check(flight, reference="ZZZ-ZZZ-ZZZ", agent=agent, origin=WEB)["outcome"] == "unknown"
    assert board(flight, agent, reference=passes[3].reference).outcome == "boarded"


def test_a_refusal_is_kept_and_boarding_after_it_needs_the_agents_say(flight, passes, agent):
    token = token_for(passes[0])
    refuse = gate.ScanInput(uuid.uuid4(), "refuse", token=token, reason="face does not match", gate="A")
    assert gate.apply_scan(flight, refuse, agent=agent, origin=WEB, offline=False).outcome == "refused"
    assert BoardingPass.objects.get(pk=passes[0].pk).refusal_reason == "face does not match"
    assert "face does not match" in gate.check(flight, token=token, agent=agent, origin=WEB)["warning"]
    # Without saying so, a board of a refused pass does nothing but report the refusal.
    assert board(flight, agent, token=token).outcome == "refused"
    assert BoardingPass.objects.get(pk=passes[0].pk).state == "refused"
    anyway = board(flight, agent, token=token, override=True)
    assert anyway.outcome == "boarded" and anyway.conflict["kind"] == "refused"
    assert AuditEvent.objects.get(action="boarding_pass.refuse").detail["reason"] == "face does not match"


def test_a_closed_flight_boards_nobody_online(flight, passes, agent):
    flight.status = FlightStatus.DEPARTED
    flight.save()
    assert gate.check(flight, token=token_for(passes[0]), agent=agent, origin=WEB)["outcome"] == "closed"
    assert board(flight, agent, token=token_for(passes[0])).outcome == "closed"


def test_offline_sync_applies_each_scan_once_and_reports_the_conflict(flight, passes, agent, planner):
    """Two gates offline both boarded the same pass (a copied QR code): the first to sync boards it, the
    second gets a conflict that names the first gate, and both scans are kept."""
    token = token_for(passes[0])
    earlier = timezone.now() - timedelta(minutes=20)
    gate_a = [
        gate.ScanInput(uuid.uuid4(), "board", token=token, gate="A", scanned_at=earlier),
        gate.ScanInput(uuid.uuid4(), "board", pass_id=passes[1].public_id, gate="A", scanned_at=earlier),
    ]
    gate_b = [
        gate.ScanInput(
            uuid.uuid4(), "board", token=token, gate="B", scanned_at=earlier + timedelta(minutes=3)
        ),
        gate.ScanInput(
            uuid.uuid4(),
            "refuse",
            pass_id=passes[2].public_id,
            reason="no document",
            gate="B",
            scanned_at=earlier,
        ),
    ]
    rows_a = gate.sync(flight, gate_a, agent=agent, origin=WEB)
    assert [r.outcome for r in rows_a] == ["boarded", "boarded"]
    assert all(r.offline for r in rows_a)
    assert BoardingPass.objects.get(pk=passes[0].pk).scanned_at == earlier  # the device's time
    rows_b = gate.sync(flight, gate_b, agent=planner, origin=WEB)
    outcomes = {r.client_id: r for r in rows_b}
    conflict = outcomes[gate_b[0].client_id]
    assert conflict.outcome == "already_boarded" and conflict.conflict["gate"] == "A"
    assert gate.result(conflict)["conflict"]
    assert outcomes[gate_b[1].client_id].outcome == "refused"
    assert GateScan.objects.count() == 4  # the conflicting scan is kept, not dropped
    # The device did not hear back and sends the same scans again: nothing changes.
    again = gate.sync(flight, gate_b, agent=planner, origin=WEB)
    assert [r.pk for r in again] == [r.pk for r in rows_b]
    assert GateScan.objects.count() == 4
    assert BoardingPass.objects.get(pk=passes[0].pk).gate == "A"
    assert AuditEvent.objects.filter(action="gate.sync").count() == 3
    assert AuditEvent.objects.filter(action="boarding_pass.conflict").count() == 1


def test_offline_scans_of_a_pass_voided_meanwhile_are_reported(case, flight, passes, agent):
    scan = gate.ScanInput(uuid.uuid4(), "board", token=token_for(passes[0]), gate="A")
    void_passes(case, actor=None, reason="moved to a later flight")
    (row,) = gate.sync(flight, [scan], agent=agent, origin=WEB)
    assert row.outcome == "void" and gate.result(row)["conflict"]
    assert "cancelled" in gate.result(row)["message"]


def test_offline_scans_sync_after_departure(flight, passes, agent):
    scan = gate.ScanInput(uuid.uuid4(), "board", token=token_for(passes[0]), gate="A")
    flight.status = FlightStatus.DEPARTED
    flight.save()
    (row,) = gate.sync(flight, [scan], agent=agent, origin=WEB)
    assert row.outcome == "boarded"


def test_an_offline_board_over_a_refusal_elsewhere_boards_and_reports_it(flight, passes, agent, planner):
    refuse = gate.ScanInput(
        uuid.uuid4(), "refuse", pass_id=passes[0].public_id, reason="no tazkira", gate="A"
    )
    gate.apply_scan(flight, refuse, agent=planner, origin=WEB, offline=False)
    (row,) = gate.sync(
        flight,
        [gate.ScanInput(uuid.uuid4(), "board", pass_id=passes[0].public_id, gate="B")],
        agent=agent,
        origin=WEB,
    )
    assert row.outcome == "boarded" and row.conflict["reason"] == "no tazkira"
    assert "Refused at gate A" in gate.result(row)["message"]


def test_a_scan_from_the_devices_future_is_recorded_at_receipt(flight, passes, agent):
    future = timezone.now() + timedelta(days=2)
    (row,) = gate.sync(
        flight,
        [gate.ScanInput(uuid.uuid4(), "board", pass_id=passes[0].public_id, gate="A", scanned_at=future)],
        agent=agent,
        origin=WEB,
    )
    assert row.scanned_at < timezone.now() + timedelta(minutes=6)


def test_the_offline_list_holds_summaries_and_nonce_hashes_only(case, flight, passes, agent):
    data = gate.manifest(flight, agent=agent, origin=WEB)
    assert data["public_key"] and data["flight"]["id"] == str(flight.public_id)
    assert len(data["passes"]) == 4 and {p["family"] for p in data["passes"]} == {1}
    entry = data["passes"][0]
    assert entry["nonce_hash"] == gate.nonce_hash(passes[0].nonce) and passes[0].nonce not in str(data)
    text = str(data)
    for secret in ("1400-0101-12345678", "12345678", "+93799123456", "Gul Ahmad", case.reference):
        assert secret not in text
    assert AuditEvent.objects.get(action="gate.manifest").detail == {"channel": "web", "passes": 4}


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"action": "board", "reference": "X"},
        {"client_id": "nope", "action": "board", "reference": "X"},
        {"client_id": str(uuid.uuid4()), "action": "fly", "reference": "X"},
        {"client_id": str(uuid.uuid4()), "action": "board"},
        {"client_id": str(uuid.uuid4()), "action": "refuse", "reference": "X"},
        {"client_id": str(uuid.uuid4()), "action": "board", "reference": "X", "scanned_at": "yesterday"},
        {
            "client_id": str(uuid.uuid4()),
            "action": "board",
            "reference": "X",
            "scanned_at": "2021-08-26T10:00",
        },
        {"client_id": str(uuid.uuid4()), "action": "board", "token": 5},
        {"client_id": str(uuid.uuid4()), "action": "board", "token": "x" * 700},
    ],
)
def test_a_malformed_scan_is_refused_with_a_reason(data):
    with pytest.raises(gate.BadScan):
        gate.ScanInput.parse(data)
