"""The gate's pages over HTTP: who may use them, the JSON the page's script sends and reads, and the
answers to what it would never send."""

import json
import uuid

import pytest
from django.urls import reverse

from evac.accounts.roles import Role
from evac.conftest import make_user
from evac.flights.models import BoardingPass, GateScan
from evac.flights.passes import token_for
from evac.flights.tests.gate_factories import make_flight, placed_with_passes


@pytest.fixture
def flight(canada):
    return make_flight(canada)


@pytest.fixture
def passes(case, flight):
    return placed_with_passes(case, flight)


def url(name, flight):
    return reverse(f"gate:{name}", kwargs={"org": flight.organisation.slug, "flight_id": flight.public_id})


def post_json(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


def test_the_agent_sees_the_open_flights_and_the_gate_page(client, agent, flight):
    client.force_login(agent)
    listing = client.get(reverse("gate:flights", kwargs={"org": "canada"}))
    assert listing.status_code == 200 and url("page", flight) in listing.content.decode()
    page = client.get(url("page", flight))
    html = page.content.decode()
    assert page.status_code == 200 and "gate/gate.js" in html and "<script>" not in html
    assert 'id="gate-strings" type="application/json"' in html


@pytest.mark.parametrize("role", [Role.CASE_OFFICER, Role.VERIFIER, Role.AUDITOR, Role.ORG_ADMIN])
def test_roles_without_boarding_are_refused(client, canada, flight, passes, role):
    client.force_login(make_user(canada, role))
    assert client.get(url("page", flight)).status_code == 403
    assert client.get(url("manifest", flight)).status_code == 403
    scan = {"client_id": str(uuid.uuid4()), "action": "board", "reference": passes[0].reference}
    assert post_json(client, url("scan", flight), scan).status_code == 403
    assert BoardingPass.objects.filter(state="boarded").count() == 0


def test_a_planner_may_board_too(client, planner, flight, passes):
    client.force_login(planner)
    scan = {"client_id": str(uuid.uuid4()), "action": "board", "reference": passes[0].reference, "gate": "A"}
    assert post_json(client, url("scan", flight), scan).json()["outcome"] == "boarded"


def test_another_organisations_flight_does_not_exist(client, uk, passes, flight):
    outsider = make_user(uk, Role.CHECKIN_AGENT)
    client.force_login(outsider)
    assert client.get(url("page", flight)).status_code == 404
    foreign = reverse("gate:manifest", kwargs={"org": "uk", "flight_id": flight.public_id})
    assert client.get(foreign).status_code == 404
    assert (
        client.get(reverse("gate:page", kwargs={"org": "uk", "flight_id": uuid.uuid4()})).status_code == 404
    )


def test_check_then_board_then_the_replay(client, agent, flight, passes):
    client.force_login(agent)
    token = token_for(passes[0])
    found = post_json(client, url("check", flight), {"token": token}).json()
    assert found["ok"] and found["pass"]["name"] == "Mohammad Wali Ahmadzai" and len(found["family"]) == 4
    scan = {"client_id": str(uuid.uuid4()), "action": "board", "token": token, "gate": "Abbey Gate"}
    boarded = post_json(client, url("scan", flight), scan).json()
    assert boarded["ok"] and boarded["outcome"] == "boarded" and boarded["pass"]["state"] == "boarded"
    # The same request again (a retry): the same answer, nothing new.
    assert post_json(client, url("scan", flight), scan).json()["outcome"] == "boarded"
    assert GateScan.objects.count() == 1
    replay = post_json(client, url("scan", flight), {**scan, "client_id": str(uuid.uuid4())}).json()
    assert replay["outcome"] == "already_boarded" and "Abbey Gate" in replay["message"]


def test_a_refusal_needs_a_reason(client, agent, flight, passes):
    client.force_login(agent)
    scan = {"client_id": str(uuid.uuid4()), "action": "refuse", "reference": passes[0].reference}
    response = post_json(client, url("scan", flight), scan)
    assert response.status_code == 400 and "reason" in response.json()["error"]
    refused = post_json(client, url("scan", flight), {**scan, "reason": "no document"}).json()
    assert refused["outcome"] == "refused" and "no document" in refused["message"]


def test_the_manifest_and_a_sync_with_a_conflict(client, agent, planner, flight, passes):
    client.force_login(agent)
    manifest = client.get(url("manifest", flight)).json()
    assert len(manifest["passes"]) == 4 and manifest["public_key"]
    entry = manifest["passes"][0]
    post_json(
        client,
        url("scan", flight),
        {"client_id": str(uuid.uuid4()), "action": "board", "pass_id": entry["id"], "gate": "A"},
    )
    client.force_login(planner)
    offline = [
        {
            "client_id": str(uuid.uuid4()),
            "action": "board",
            "pass_id": p["id"],
            "gate": "B",
            "scanned_at": "2021-08-26T10:00:00+04:30",
        }
        for p in manifest["passes"][:2]
    ]
    results = post_json(client, url("sync", flight), {"scans": offline}).json()["results"]
    assert [r["outcome"] for r in results] == ["already_boarded", "boarded"]
    assert results[0]["conflict"] and "gate A" in results[0]["message"]
    assert GateScan.objects.filter(offline=True).count() == 2


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"scans": 5}',
        b'{"scans": [{"action": "board"}]}',
        b'{"scans": [' + b"{}," * 2000 + b"{}]}",
    ],
)
def test_a_malformed_sync_is_refused_whole_and_applies_nothing(client, agent, flight, passes, body):
    client.force_login(agent)
    response = client.post(url("sync", flight), body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]
    assert not GateScan.objects.exists()


def test_a_malformed_check_is_refused(client, agent, flight):
    client.force_login(agent)
    for body in (b"", b"[]", b'{"token": 5}', b"{}"):
        assert client.post(url("check", flight), body, content_type="application/json").status_code == 400
    assert client.get(url("check", flight)).status_code == 405
