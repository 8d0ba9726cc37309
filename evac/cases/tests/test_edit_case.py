import pytest
from django.urls import reverse

from evac.audit.models import AuditEvent


def edit_post(case, **overrides):
    people = list(case.people.all())
    jobs = list(case.employments.all())
    data = {
        "program": str(case.program_id),
        "province": case.province_id or "",
        "district": case.district,
        "people-TOTAL_FORMS": str(len(people)),
        "people-INITIAL_FORMS": str(len(people)),
        "jobs-TOTAL_FORMS": str(len(jobs)),
        "jobs-INITIAL_FORMS": str(len(jobs)),
    }
    for i, p in enumerate(people):
        data.update(
            {
                f"people-{i}-id": str(p.pk),
                f"people-{i}-application": str(case.pk),
                f"people-{i}-relationship": p.relationship,
                f"people-{i}-given_name": p.given_name,
                f"people-{i}-family_name": p.family_name,
                f"people-{i}-father_name": p.father_name,
                f"people-{i}-native_name": p.native_name,
                f"people-{i}-sex": p.sex,
                f"people-{i}-birth_date": p.birth_date_display,
                f"people-{i}-tazkira_number": p.tazkira_number,
                f"people-{i}-phone": p.phone,
            }
        )
    for i, j in enumerate(jobs):
        data.update(
            {
                f"jobs-{i}-id": str(j.pk),
                f"jobs-{i}-application": str(case.pk),
                f"jobs-{i}-employer_name": j.employer_name,
                f"jobs-{i}-role": j.role,
            }
        )
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_a_clerk_corrects_a_name_and_moves_the_family(client, case, clerk):
    client.force_login(clerk)
    url = reverse("cases:edit", kwargs={"org": "canada", "ref": case.reference})
    assert client.get(url).status_code == 200
    response = client.post(
        url, edit_post(case, province="AF-KAB", **{"people-0-given_name": "Muhammad Wali"})
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.province_id == "AF-KAB"
    assert case.principal_name == "Muhammad Wali Ahmadzai"
    assert "muhammad wali" in case.search_text
    event = AuditEvent.objects.get(action="case.update")
    assert event.detail["fields"] == ["province"]
    principal = case.people.get(relationship="self")
    assert event.detail["people"] == {str(principal.public_id): ["given_name"]}
    # The log says what changed, never the values: personal data must not outlive its record.
    assert "Muhammad" not in str(event.detail)


@pytest.mark.django_db
def test_removing_a_child_and_adding_a_parent(client, case, clerk):
    client.force_login(clerk)
    url = reverse("cases:edit", kwargs={"org": "canada", "ref": case.reference})
    data = edit_post(case)
    total = int(data["people-TOTAL_FORMS"])
    data.update(
        {
            "people-3-DELETE": "on",
            "people-TOTAL_FORMS": str(total + 1),
            f"people-{total}-relationship": "parent",
            f"people-{total}-given_name": "Abdul Rahman",
            f"people-{total}-birth_date": "1950",
        }
    )
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    names = list(case.people.values_list("given_name", flat=True))
    assert "Child1" not in names and names[-1] == "Abdul Rahman"
    assert case.family_size == 4


@pytest.mark.django_db
def test_removing_the_principal_is_refused(client, case, clerk):
    client.force_login(clerk)
    url = reverse("cases:edit", kwargs={"org": "canada", "ref": case.reference})
    response = client.post(url, edit_post(case, **{"people-0-DELETE": "on"}))
    assert response.status_code == 200
    assert "exactly one principal" in response.content.decode()
    assert case.people.filter(relationship="self").exists()


@pytest.mark.django_db
def test_opening_the_edit_form_is_an_audited_read(client, case, clerk):
    client.force_login(clerk)
    client.get(reverse("cases:edit", kwargs={"org": "canada", "ref": case.reference}))
    assert AuditEvent.objects.filter(action="case.view", target_ref=case.reference, actor=clerk).count() == 1
