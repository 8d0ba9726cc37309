"""One download per request (per approval), within 24 hours, each step audited with what left."""

from datetime import timedelta

import pytest
from django.utils import timezone

from evac.accounts.models import Organisation
from evac.audit.models import AuditEvent
from evac.exports.models import ExportRequest

from .conftest import ask, url

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_request_downloads_once(client, exporter, cases):
    client.force_login(exporter)
    ask(client, ["given_name"])
    export = ExportRequest.objects.get()
    first = client.post(url("download", export))
    assert first.status_code == 200 and "Spozhmai" in body(first).decode("utf-8-sig")
    assert first["Content-Disposition"].startswith('attachment; filename="evac-canada-')
    assert "no-store" in first["Cache-Control"]
    second = client.post(url("download", export), follow=True)
    assert not second.streaming and "ask for a new one" in second.content.decode()
    assert AuditEvent.objects.filter(action="export.download").count() == 1
    # The page no longer offers it.
    assert f'action="{url("download", export)}"' not in client.get(url("detail", export)).content.decode()


def test_a_download_needs_a_post(client, exporter, cases):
    client.force_login(exporter)
    ask(client, ["given_name"])
    export = ExportRequest.objects.get()
    assert client.get(url("download", export)).status_code == 405
    export.refresh_from_db()
    assert export.state == ExportRequest.State.READY


def test_a_ready_export_expires_after_24_hours(client, canada, exporter, approver, cases):
    client.force_login(exporter)
    ask(client, ["given_name"])
    export = ExportRequest.objects.get()
    ExportRequest.objects.filter(pk=export.pk).update(
        created_at=timezone.now() - timedelta(hours=24, seconds=1)
    )
    response = client.post(url("download", export), follow=True)
    assert not response.streaming and "more than 24 hours" in response.content.decode()
    export.refresh_from_db()
    assert export.state == ExportRequest.State.READY and export.downloaded_at is None
    assert "Expired" in client.get(url("list")).content.decode()

    # After an approval, the 24 hours start at the approval, not at the request.
    Organisation.objects.filter(pk=canada.pk).update(export_approval_threshold=0)
    ask(client, ["given_name"])
    approved = ExportRequest.objects.filter(state="awaiting").get()
    ExportRequest.objects.filter(pk=approved.pk).update(created_at=timezone.now() - timedelta(days=3))
    client.force_login(approver)
    client.post(url("decide", approved), {"decision": "approve"})
    client.force_login(exporter)
    assert client.post(url("download", approved)).status_code == 200


def test_a_lowered_threshold_applies_to_requests_not_yet_downloaded(client, canada, exporter, cases):
    client.force_login(exporter)
    ask(client, ["given_name"])
    export = ExportRequest.objects.get()
    Organisation.objects.filter(pk=canada.pk).update(export_approval_threshold=5)
    response = client.post(url("download", export), follow=True)
    assert not response.streaming and "without approval" in response.content.decode()
    export.refresh_from_db()
    assert export.state == ExportRequest.State.READY


def test_every_step_is_audited_with_what_was_exported(client, canada, exporter, approver, cases):
    Organisation.objects.filter(pk=canada.pk).update(export_approval_threshold=2)
    client.force_login(exporter)
    ask(client, ["given_name", "tazkira_number"], file_format="xlsx", status="received")
    export = ExportRequest.objects.get()
    client.force_login(approver)
    client.post(url("decide", export), {"decision": "approve"})
    client.force_login(exporter)
    body(client.post(url("download", export)))

    references = [
        case.reference for case in reversed(cases)
    ]  # the list's order: newest first at equal priority
    assert sorted(export.references) == sorted(references)
    events = {
        e.action: e for e in AuditEvent.objects.filter(target_type="export", target_ref=str(export.public_id))
    }
    assert set(events) == {"export.request", "export.approve", "export.download"}
    for action, event in events.items():
        assert event.organisation == canada
        assert event.detail["columns"] == ["reference", "given_name", "tazkira_number"], action
        assert event.detail["row_count"] == 12, action
        assert sorted(event.detail["references"]) == sorted(references), action
        assert event.detail["format"] == "xlsx"
    assert events["export.request"].actor == exporter
    assert events["export.request"].detail["filters"] == {"status": "received"}
    assert events["export.approve"].actor == approver
    assert events["export.download"].actor == exporter and events["export.download"].ip == "127.0.0.1"
    # The log names the records, never their values.
    for event in events.values():
        assert "Spozhmai" not in str(event.detail) and "1400-0101" not in str(event.detail)


def test_a_case_moved_out_of_the_organisation_is_not_exported(client, canada, uk, exporter, cases):
    from evac.cases.models import Application

    client.force_login(exporter)
    ask(client, ["given_name"])
    export = ExportRequest.objects.get()
    Application.objects.filter(pk=cases[0].pk).update(organisation=uk)
    content = body(client.post(url("download", export))).decode("utf-8-sig")
    assert "Spozhmai" not in content and "Zarghuna" in content
    event = AuditEvent.objects.get(action="export.download")
    assert cases[0].reference not in event.detail["references"] and event.detail["row_count"] == 8
