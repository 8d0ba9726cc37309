import uuid

import pytest
from django.urls import reverse

from evac.audit.models import AuditEvent
from evac.cases.models import Application, Person


def family_post(**overrides) -> dict[str, str]:
    data = {
        "program": "",
        "province": "AF-KAB",
        "district": "Police District 5",
        "idempotency_key": str(uuid.uuid4()),
        "people-TOTAL_FORMS": "2",
        "people-INITIAL_FORMS": "0",
        "people-0-relationship": "self",
        "people-0-given_name": "Gul Ahmad",
        "people-0-family_name": "",
        "people-0-father_name": "Abdul Wahid",
        "people-0-native_name": "گل احمد",
        "people-0-sex": "M",
        "people-0-birth_date": "1365",
        "people-0-phone": "0799123456",
        "people-1-relationship": "spouse",
        "people-1-given_name": "",
        "people-1-native_name": "مریم",
        "people-1-father_name": "Sayed Jan",
        "people-1-sex": "F",
        "people-1-birth_date": "1990-03-04",
        "jobs-TOTAL_FORMS": "1",
        "jobs-INITIAL_FORMS": "0",
        "jobs-0-employer_name": "canada armed forces",
        "jobs-0-role": "interpreter",
        "jobs-0-start": "2008-04-01",
        "jobs-0-end": "2014-03-31",
        "jobs-0-badge_number": "CAF-004211",
    }
    data.update(overrides)
    return data


@pytest.fixture
def url():
    return reverse("cases:create", kwargs={"org": "canada"})


@pytest.mark.django_db
def test_a_clerk_registers_a_family_with_one_name_and_a_hijri_year(client, clerk, canada, url):
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    data = family_post(program=str(canada.programs.first().pk))
    response = client.post(url, data)
    case = Application.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/cases/{case.reference}/")
    assert case.organisation == canada and case.created_by == clerk and case.status == "received"
    principal, spouse = case.people.all()
    assert principal.family_name == "" and principal.given_name == "Gul Ahmad"
    assert (principal.birth_year, principal.birth_month, principal.birth_day) == (1986, None, None)
    assert spouse.given_name == "" and spouse.native_name == "مریم"
    job = case.employments.get()
    assert job.employer.name == "Canada Armed Forces" and job.person == principal
    assert (job.badge_number, job.verification) == ("CAF-004211", "unverified")
    assert case.family_size == 2 and case.principal_name == "Gul Ahmad"
    assert "گل احمد" in case.search_text and "abdul wahid" in case.search_text
    assert case.status_changes.get().to_status == "received"
    event = AuditEvent.objects.get(action="case.create")
    assert event.actor == clerk and event.target_ref == case.reference and event.ip == "127.0.0.1"


@pytest.mark.django_db
def test_a_doubled_click_creates_one_case(client, clerk, canada, url):
    client.force_login(clerk)
    data = family_post(program=str(canada.programs.first().pk))
    first = client.post(url, data)
    second = client.post(url, data)
    assert Application.objects.count() == 1
    assert first["Location"] == second["Location"]


@pytest.mark.django_db
def test_a_person_needs_a_name_in_some_script(client, clerk, canada, url):
    client.force_login(clerk)
    data = family_post(program=str(canada.programs.first().pk), **{"people-1-native_name": ""})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Give a name in Latin letters" in response.content.decode()
    assert not Application.objects.exists() and not Person.objects.exists()
    # What was typed is still there to correct.
    assert "Gul Ahmad" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("birth", ["2090", "1987-02-30", "soon"])
def test_an_impossible_birth_date_is_refused_with_a_reason(client, clerk, canada, url, birth):
    client.force_login(clerk)
    response = client.post(
        url, family_post(program=str(canada.programs.first().pk), **{"people-0-birth_date": birth})
    )
    assert response.status_code == 200
    assert "This date cannot be read or cannot be right" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_a_family_needs_exactly_one_principal(client, clerk, canada, url):
    client.force_login(clerk)
    response = client.post(
        url, family_post(program=str(canada.programs.first().pk), **{"people-0-relationship": "child"})
    )
    assert response.status_code == 200
    assert "exactly one principal applicant" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_add_a_family_member_keeps_what_was_typed(client, clerk, canada, url):
    client.force_login(clerk)
    data = family_post(program=str(canada.programs.first().pk), add_member="1")
    response = client.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'name="people-2-given_name"' in body
    assert 'value="Gul Ahmad"' in body
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_a_program_of_another_organisation_cannot_be_chosen(client, clerk, uk, url):
    client.force_login(clerk)
    response = client.post(url, family_post(program=str(uk.programs.first().pk)))
    assert response.status_code == 200
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_a_reference_already_taken_is_drawn_again(canada, clerk, monkeypatch):
    from evac.conftest import make_case
    from evac.core import references

    first = make_case(canada, actor=clerk)
    fresh = "23456789" + references.check_symbol("23456789")
    draws = iter([first.reference, fresh])
    monkeypatch.setattr(references, "new_reference", lambda: next(draws))
    second = make_case(canada, actor=clerk, reference=first.reference)
    assert second.reference == fresh
    assert references.is_valid(second.reference)
