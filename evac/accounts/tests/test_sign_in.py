import pytest
from django.urls import reverse

from evac.accounts.roles import Role
from evac.audit.models import AuditEvent
from evac.conftest import PASSWORD, make_user


@pytest.mark.django_db
def test_signing_in_and_out_is_audited(client, officer):
    response = client.post(reverse("accounts:sign_in"), {"username": "officer", "password": PASSWORD})
    assert response.status_code == 302
    # One organisation: straight to its dashboard.
    assert client.get(response["Location"]).url == reverse("dashboard", kwargs={"org": "canada"})
    client.post(reverse("accounts:sign_out"))
    actions = list(AuditEvent.objects.filter(actor=officer).values_list("action", flat=True))
    assert actions == ["auth.sign_in", "auth.sign_out"]
    assert client.get(reverse("cases:list", kwargs={"org": "canada"})).status_code == 302


@pytest.mark.django_db
def test_a_failed_sign_in_is_audited_without_what_was_typed(client, officer):
    client.post(reverse("accounts:sign_in"), {"username": "officer", "password": "wrong"})
    client.post(reverse("accounts:sign_in"), {"username": PASSWORD, "password": "x"})
    failures = AuditEvent.objects.filter(action="auth.sign_in_failed").order_by("id")
    assert [e.detail["username"] for e in failures] == ["officer", "(unknown)"]
    assert PASSWORD not in str(list(failures.values_list("detail", flat=True)))


@pytest.mark.django_db
def test_a_member_of_two_organisations_switches_between_them(client, canada, uk):
    user = make_user(canada, Role.CASE_OFFICER, "liaison")
    from evac.accounts.services import add_member

    add_member(uk, user, Role.VERIFIER, actor=None)
    client.force_login(user)
    page = client.get(reverse("accounts:organisations")).content.decode()
    assert reverse("dashboard", kwargs={"org": "canada"}) in page
    assert reverse("dashboard", kwargs={"org": "uk"}) in page
    # A case officer in one, a verifier in the other: the role follows the organisation.
    assert client.get(reverse("cases:create", kwargs={"org": "canada"})).status_code == 200
    assert client.get(reverse("cases:create", kwargs={"org": "uk"})).status_code == 403


@pytest.mark.django_db
def test_the_dashboard_counts_cases_for_case_workers_only(client, case, officer, auditor, outsider):
    client.force_login(officer)
    page = client.get(reverse("dashboard", kwargs={"org": "canada"})).content.decode()
    assert "Cases by status" in page and "Kandahar" in page
    client.force_login(auditor)
    page = client.get(reverse("dashboard", kwargs={"org": "canada"})).content.decode()
    assert "Cases by status" not in page and "Open the audit log" in page
    client.force_login(outsider)
    assert client.get(reverse("dashboard", kwargs={"org": "canada"})).status_code == 404
