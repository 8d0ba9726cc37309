"""Exporting is a grant of its own: not implied by any role, useless without reading the cases, and
never reaching another organisation's data."""

import pytest
from django.urls import reverse

from evac.accounts.models import Membership, Organisation
from evac.accounts.roles import Role
from evac.accounts.services import CannotExport, set_may_export
from evac.audit.models import AuditEvent
from evac.conftest import make_user
from evac.exports.models import ExportRequest

from .conftest import ask, grant, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def export(client, exporter, cases):
    client.force_login(exporter)
    ask(client, ["given_name"])
    client.logout()
    return ExportRequest.objects.get()


def pages(export):
    return [
        ("get", url("list")),
        ("get", url("create")),
        ("post", url("create")),
        ("get", url("detail", export)),
        ("post", url("decide", export)),
        ("post", url("download", export)),
    ]


def test_no_role_may_export_without_the_grant(client, canada, export):
    for role in Role.values:
        user = make_user(canada, role)
        client.force_login(user)
        for method, page in pages(export):
            response = getattr(client, method)(page, {"decision": "approve", "columns": ["given_name"]})
            assert response.status_code == 403, (role, page)
    assert ExportRequest.objects.get().state == ExportRequest.State.READY
    assert not AuditEvent.objects.filter(action="export.download").exists()


def test_the_grant_is_useless_to_a_role_that_does_not_read_cases(client, canada, admin_user, auditor, export):
    # The service refuses to grant it; a flag set behind its back still opens nothing.
    for user in (admin_user, auditor):
        with pytest.raises(CannotExport):
            set_may_export(canada, user, True, actor=admin_user)
    Membership.objects.filter(user__in=[admin_user, auditor]).update(may_export=True)
    for user in (admin_user, auditor):
        client.force_login(user)
        for method, page in pages(export):
            assert getattr(client, method)(page).status_code == 403, (user, page)


def test_another_organisations_member_finds_nothing(client, uk, export, outsider):
    grant(outsider, uk)
    client.force_login(outsider)
    for method, page in pages(export):
        assert getattr(client, method)(page).status_code == 404, page
    # Nor under their own organisation's address.
    for name in ("detail", "decide", "download"):
        page = url(name, export, org="uk")
        method = "get" if name == "detail" else "post"
        assert getattr(client, method)(page, {"decision": "approve"}).status_code == 404
    assert client.get(url("list", org="uk")).status_code == 200


def test_the_requester_cannot_approve_their_own_request(client, canada, exporter, cases):
    Organisation.objects.filter(pk=canada.pk).update(export_approval_threshold=1)
    client.force_login(exporter)
    ask(client, ["given_name"])
    export = ExportRequest.objects.get()
    assert export.state == ExportRequest.State.AWAITING_APPROVAL
    response = client.post(url("decide", export), {"decision": "approve"})
    assert response.status_code == 403
    export.refresh_from_db()
    assert export.state == ExportRequest.State.AWAITING_APPROVAL and export.decided_by is None
    page = client.get(url("detail", export)).content.decode()
    assert "Approve" not in page and "Waiting for another member" in page


def test_an_admin_grants_and_revokes_the_right_on_the_members_page(client, canada, admin_user, officer):
    client.force_login(admin_user)
    members = reverse("members", kwargs={"org": "canada"})
    assert 'value="export"' in client.get(members).content.decode()
    client.post(members, {"action": "export", "username": "officer", "may_export": "1"})
    assert Membership.objects.get(user=officer).may_export
    client.post(members, {"action": "export", "username": "officer", "may_export": "0"})
    assert not Membership.objects.get(user=officer).may_export
    events = AuditEvent.objects.filter(action="member.set_may_export", target_ref="officer", actor=admin_user)
    assert [e.detail["may_export"] for e in events] == [True, False]
    # Granting it to the admin (who reads no cases) is refused, with a message and no change.
    response = client.post(
        members, {"action": "export", "username": "orgadmin", "may_export": "1"}, follow=True
    )
    assert "cannot export" in response.content.decode()
    assert not Membership.objects.get(user=admin_user).may_export


def test_only_an_admin_grants_the_right(client, officer, exporter):
    client.force_login(exporter)
    members = reverse("members", kwargs={"org": "canada"})
    response = client.post(members, {"action": "export", "username": "officer", "may_export": "1"})
    assert response.status_code == 403
    assert not Membership.objects.get(user=officer).may_export


def test_the_admin_sets_the_threshold_and_it_is_audited(client, canada, admin_user, exporter):
    client.force_login(admin_user)
    assert client.get(url("settings")).status_code == 200
    response = client.post(url("settings"), {"export_approval_threshold": "50"})
    assert response.status_code == 302
    canada.refresh_from_db()
    assert canada.export_approval_threshold == 50
    event = AuditEvent.objects.get(action="organisation.export_threshold")
    assert event.actor == admin_user and event.detail["from"] == 200 and event.detail["to"] == 50
    # A negative number is refused with a message, and nothing changes.
    response = client.post(url("settings"), {"export_approval_threshold": "-1"})
    assert response.status_code == 200 and "greater than or equal to 0" in response.content.decode()
    canada.refresh_from_db()
    assert canada.export_approval_threshold == 50
    client.force_login(exporter)
    assert client.post(url("settings"), {"export_approval_threshold": "100000"}).status_code == 403
    canada.refresh_from_db()
    assert canada.export_approval_threshold == 50


def test_the_nav_and_the_case_list_offer_exports_only_to_exporters(client, officer, exporter, cases):
    for user, offered in ((officer, False), (exporter, True)):
        client.force_login(user)
        page = client.get(reverse("cases:list", kwargs={"org": "canada"})).content.decode()
        assert ("Export these cases" in page) is offered
        assert (url("list") in page) is offered


def test_a_revoked_grant_stops_a_request_half_way(client, canada, admin_user, exporter, approver, cases):
    Organisation.objects.filter(pk=canada.pk).update(export_approval_threshold=0)
    client.force_login(exporter)
    ask(client, ["given_name"])
    export = ExportRequest.objects.get()
    set_may_export(canada, approver, False, actor=admin_user)
    client.force_login(approver)
    assert client.post(url("decide", export), {"decision": "approve"}).status_code == 403
    set_may_export(canada, approver, True, actor=admin_user)
    client.post(url("decide", export), {"decision": "approve"})
    set_may_export(canada, exporter, False, actor=admin_user)
    client.force_login(exporter)
    assert client.post(url("download", export)).status_code == 403
    export.refresh_from_db()
    assert export.state == ExportRequest.State.READY and export.downloaded_at is None
