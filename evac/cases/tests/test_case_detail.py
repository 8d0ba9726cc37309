import pytest
from django.urls import reverse

from evac.audit.models import AuditEvent


@pytest.mark.django_db
def test_the_case_page_shows_family_employment_history_and_trail(client, case, officer):
    client.force_login(officer)
    response = client.get(reverse("cases:detail", kwargs={"org": "canada", "ref": case.reference}))
    body = response.content.decode()
    assert response.status_code == 200
    assert case.display_reference in body
    for text in (
        "Mohammad Wali",
        "محمد ولی احمدزی",
        "Fatima",
        "Child1",
        "Gul Ahmad",
        "1400-0101-12345678",
        "Canada Armed Forces",
        "Interpreter",
        "Application received",
        "case.create",
    ):
        assert text in body, text


@pytest.mark.django_db
def test_every_view_of_a_case_is_audited(client, case, verifier):
    client.force_login(verifier)
    url = reverse("cases:detail", kwargs={"org": "canada", "ref": case.reference})
    client.get(url)
    client.get(url)
    views = AuditEvent.objects.filter(action="case.view", target_ref=case.reference, actor=verifier)
    assert views.count() == 2
    assert views.first().organisation == case.organisation


@pytest.mark.django_db
def test_staff_pages_are_never_cached(client, case, officer):
    client.force_login(officer)
    response = client.get(reverse("cases:detail", kwargs={"org": "canada", "ref": case.reference}))
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_an_officer_assigns_a_case_officer_only(client, case, officer, verifier):
    client.force_login(officer)
    url = reverse("cases:assign", kwargs={"org": "canada", "ref": case.reference})
    client.post(url, {"officer": officer.username})
    case.refresh_from_db()
    assert case.assigned_officer == officer
    client.post(url, {"officer": verifier.username})
    case.refresh_from_db()
    assert case.assigned_officer == officer
    assert AuditEvent.objects.filter(action="case.assign", target_ref=case.reference).count() == 1


@pytest.mark.django_db
def test_an_officer_of_another_organisation_cannot_be_assigned(client, case, officer, outsider):
    client.force_login(officer)
    client.post(
        reverse("cases:assign", kwargs={"org": "canada", "ref": case.reference}), {"officer": "outsider"}
    )
    case.refresh_from_db()
    assert case.assigned_officer is None
