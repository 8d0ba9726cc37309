import uuid

import pytest

from evac.accounts.services import add_member
from evac.api.tests.conftest import family, url
from evac.audit.models import AuditEvent
from evac.cases.models import Application, Person
from evac.conftest import make_org, make_user

pytestmark = pytest.mark.django_db


def test_an_officer_registers_a_family(api_for, officer):
    response = api_for(officer).post_json(url("canada"), family(), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 201, response.json()
    body = response.json()
    application = Application.objects.get(reference=body["reference_raw"])
    assert body["reference"] == application.display_reference
    assert (body["status"], body["program"], body["province"]) == ("received", "canada-program", "AF-KAN")
    assert (application.source, application.family_size, body["family_size"]) == ("api", 3, 3)
    principal, spouse, child = body["people"]
    # 1365/05/12 in the Solar Hijri calendar; a year stays a year, a month a month.
    assert principal["birth_date"] == "1986-08-03"
    assert (spouse["birth_date"], child["birth_date"]) == ("1990", "2015-04")
    assert Person.objects.get(public_id=principal["public_id"]).native_name == "احمد شاه"
    assert body["employments"][0]["person"] == principal["public_id"]
    assert body["employments"][0]["employer_known"] is True
    assert (body["employments"][0]["badge_number"], body["employments"][0]["verification"]) == (
        "CAF-004211",
        "unverified",
    )
    assert [h["to_status"] for h in body["status_history"]] == ["received"]
    event = AuditEvent.objects.get(action="case.create")
    assert (event.actor, event.target_ref, event.ip) == (officer, application.reference, "10.1.2.3")
    assert event.detail["channel"] == "api"


def test_a_clerk_of_a_new_organisation_registers_cases(api_for):
    org = make_org("denmark")
    clerk = make_user(org, "intake_clerk")
    assert api_for(clerk).post_json(url("denmark"), family("denmark-program")).status_code == 201


def test_a_member_of_two_organisations_creates_in_the_one_named(api_for, officer, uk):
    add_member(uk, officer, "case_officer", actor=None)
    response = api_for(officer).post_json(url("uk"), family("uk-program"))
    assert response.status_code == 201
    assert Application.objects.get().organisation == uk


def test_the_same_idempotency_key_twice_creates_one_case(api_for, officer):
    client = api_for(officer)
    key = str(uuid.uuid4())
    first = client.post_json(url("canada"), family(), HTTP_IDEMPOTENCY_KEY=key)
    second = client.post_json(url("canada"), family(), HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["reference"] == second.json()["reference"]
    assert Application.objects.count() == 1
    assert AuditEvent.objects.filter(action="case.create").count() == 1
    # The replay shows the case as stored: that is a read, and it is audited as one.
    assert AuditEvent.objects.filter(action="case.view").count() == 1
    assert (
        client.post_json(url("canada"), family(), HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4())).status_code == 201
    )
    assert Application.objects.count() == 2


def test_an_idempotency_key_from_another_organisation_is_a_conflict_not_its_case(api_for, officer, outsider):
    key = str(uuid.uuid4())
    assert api_for(officer).post_json(url("canada"), family(), HTTP_IDEMPOTENCY_KEY=key).status_code == 201
    response = api_for(outsider).post_json(url("uk"), family("uk-program"), HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 409
    assert response.json()["field"] == "Idempotency-Key"
    assert "reference" not in response.json()


def test_an_invalid_idempotency_key_names_the_header(api_for, officer):
    response = api_for(officer).post_json(url("canada"), family(), HTTP_IDEMPOTENCY_KEY="twice")
    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"


def test_roles_without_intake_get_403(api_for, auditor, verifier, planner):
    for user in (auditor, verifier, planner):
        response = api_for(user).post_json(url("canada"), family())
        assert response.status_code == 403, user
    assert not Application.objects.exists()


def test_an_outsider_cannot_create_in_another_organisation(api_for, outsider):
    assert api_for(outsider).post_json(url("canada"), family()).status_code == 404
    assert not Application.objects.exists()


def test_the_program_must_be_this_organisations_and_open(api_for, officer, canada, uk):
    client = api_for(officer)
    response = client.post_json(url("canada"), family("uk-program"))
    assert (response.status_code, response.json()["field"]) == (422, "program")
    canada.programs.update(is_open=False)
    assert client.post_json(url("canada"), family()).json()["field"] == "program"


def test_an_unknown_province_is_422(api_for, officer):
    response = api_for(officer).post_json(url("canada"), family(province="AF-ZZZ"))
    assert (response.status_code, response.json()["field"]) == (422, "province")
    assert api_for(officer).post_json(url("canada"), family(province="af-hel")).status_code == 201


def fields_at_fault(response) -> set[str]:
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] and body["field"] == body["errors"][0]["field"]
    return {e["field"] for e in body["errors"]}


@pytest.mark.parametrize(
    ("person", "field"),
    [
        ({"relationship": "self", "birth_date": "1987-02-30", "given_name": "A"}, "people.0.birth_date"),
        ({"relationship": "self", "birth_date": "2999", "given_name": "A"}, "people.0.birth_date"),
        ({"relationship": "self", "birth_date": "yesterday", "given_name": "A"}, "people.0.birth_date"),
        ({"relationship": "self", "birth_date": "1365/13/40", "given_name": "A"}, "people.0.birth_date"),
        ({"relationship": "self", "family_name": "Only"}, "people.0.native_name"),
        ({"relationship": "self", "given_name": "x" * 101}, "people.0.given_name"),
        ({"relationship": "self", "given_name": "A", "email": "not an address"}, "people.0.email"),
        ({"relationship": "self", "given_name": "A", "sex": "Q"}, "people.0.sex"),
        ({"relationship": "boss", "given_name": "A"}, "people.0.relationship"),
        ({"relationship": "self", "given_name": "Nul\u0000"}, "people.0.given_name"),
        ({"relationship": "self", "given_name": "\ud800"}, "people.0.given_name"),
        ({"relationship": "self", "given_name": 12}, "people.0.given_name"),
    ],
)
def test_a_bad_person_names_the_field(api_for, officer, person, field):
    response = api_for(officer).post_json(url("canada"), {"program": "canada-program", "people": [person]})
    assert field in fields_at_fault(response)
    assert not Application.objects.exists()


def test_dates_as_people_write_them_are_accepted(api_for, officer):
    client = api_for(officer)
    for written, stored in [
        ("1987", "1987"),
        ("1987-05", "1987-05"),
        ("03/05/1987", "1987-05-03"),
        ("۱۳۶۵", "1986"),
    ]:
        people = [{"relationship": "self", "given_name": "A", "birth_date": written}]
        response = client.post_json(url("canada"), {"program": "canada-program", "people": people})
        assert response.status_code == 201, response.json()
        assert response.json()["people"][0]["birth_date"] == stored


def test_a_family_needs_exactly_one_principal(api_for, officer):
    client = api_for(officer)
    two = family(
        people=[{"relationship": "self", "given_name": "A"}, {"relationship": "self", "given_name": "B"}]
    )
    assert fields_at_fault(client.post_json(url("canada"), two)) == {"people"}
    none = family(people=[{"relationship": "spouse", "given_name": "A"}])
    assert fields_at_fault(client.post_json(url("canada"), none)) == {"people"}
    assert fields_at_fault(client.post_json(url("canada"), family(people=[]))) == {"people"}


def test_employment_dates_and_roles_are_checked(api_for, officer):
    jobs = [
        {"role": "cook", "start": "2010-02-30"},
        {"role": "driver", "start": "2012-01-01", "end": "2011-01-01"},
        {"role": "astronaut"},
        {"role": "cleaner", "start": "2999-01-01"},
    ]
    faults = fields_at_fault(api_for(officer).post_json(url("canada"), family(employments=jobs)))
    assert faults == {"employments.0.start", "employments.1.end", "employments.2.role", "employments.3.start"}


@pytest.mark.parametrize(
    "body",
    ["{not json", "", "null", "[]", '"a string"', '{"program": ["a"], "people": "everyone"}', "1e999999"],
)
def test_malformed_bodies_are_client_errors_in_json(api_for, officer, body):
    response = api_for(officer).post_json(url("canada"), body)
    assert response.status_code in (400, 422)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert response.json()["field"]


def test_strange_but_real_unicode_is_kept(api_for, officer):
    name = "مُحمّد\u200cولی"  # vowel marks and a zero-width non-joiner, as Dari keyboards type them
    people = [{"relationship": "self", "native_name": name, "given_name": "Zoë 🌙"}]
    response = api_for(officer).post_json(url("canada"), {"program": "canada-program", "people": people})
    assert response.status_code == 201
    assert response.json()["people"][0]["native_name"] == name
