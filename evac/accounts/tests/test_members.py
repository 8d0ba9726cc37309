import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from evac.accounts.models import Membership, Organisation, User
from evac.audit.models import AuditEvent


@pytest.fixture
def url():
    return reverse("members", kwargs={"org": "canada"})


@pytest.mark.django_db
def test_an_admin_adds_a_new_colleague_with_a_one_time_password(client, admin_user, url):
    client.force_login(admin_user)
    response = client.post(
        url, {"action": "add", "username": "newclerk", "display_name": "Nadia", "role": "intake_clerk"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "One-time password" in body
    user = User.objects.get(username="newclerk")
    assert user.display_name == "Nadia"
    assert Membership.objects.get(user=user).role == "intake_clerk"
    password = body.split('<code class="ref">')[1].split("</code>")[0]
    assert user.check_password(password)
    assert AuditEvent.objects.filter(action="member.set_role", target_ref="newclerk").exists()


@pytest.mark.django_db
def test_an_admin_changes_a_role_and_removes_a_member(client, admin_user, officer, url):
    client.force_login(admin_user)
    client.post(url, {"action": "change", "username": "officer", "role": "verifier"})
    assert Membership.objects.get(user=officer).role == "verifier"
    client.post(url, {"action": "remove", "username": "officer"})
    assert not Membership.objects.filter(user=officer).exists()
    assert AuditEvent.objects.filter(action="member.remove", target_ref="officer").exists()


@pytest.mark.django_db
def test_the_last_admin_cannot_leave_the_organisation_without_one(client, admin_user, url):
    client.force_login(admin_user)
    client.post(url, {"action": "change", "username": "orgadmin", "role": "auditor"})
    client.post(url, {"action": "remove", "username": "orgadmin"})
    assert Membership.objects.get(user=admin_user).role == "org_admin"


@pytest.mark.django_db
def test_members_of_another_organisation_cannot_be_touched(client, admin_user, outsider, url):
    client.force_login(admin_user)
    response = client.post(url, {"action": "remove", "username": "outsider"})
    assert response.status_code == 404
    assert Membership.objects.filter(user=outsider).exists()


@pytest.mark.django_db
def test_only_admins_manage_members(client, officer, auditor, outsider, url):
    for user in (officer, auditor):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(outsider)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_setting_up_an_organisation_from_the_command_line(capsys):
    call_command("create_organisation", slug="ngo", name="Evacuation NGO", program="Family reunification")
    organisation = Organisation.objects.get(slug="ngo")
    assert organisation.programs.get().slug == "family-reunification"
    call_command("add_member", org="ngo", user="amina", role="org_admin", create=True)
    out = capsys.readouterr().out
    password = out.split("one-time password for amina: ")[1].split()[0]
    assert User.objects.get(username="amina").check_password(password)
    with pytest.raises(CommandError, match="exists already"):
        call_command("create_organisation", slug="ngo", name="Again")
    with pytest.raises(CommandError, match="add --create"):
        call_command("add_member", org="ngo", user="nobody", role="auditor")


@pytest.mark.django_db
def test_a_user_changes_their_password(client, officer):
    client.force_login(officer)
    from evac.conftest import PASSWORD

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer new secret",
            "new_password2": "a much longer new secret",
        },
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("a much longer new secret")
    assert AuditEvent.objects.filter(action="auth.password_change", actor=officer).exists()
