"""Above the organisation's threshold an export waits for a second member; at or under it, it does not.
Doubled clicks and stale pages create one request and one decision."""

import re
import uuid

import pytest
from django.urls import reverse

from evac.accounts.models import Organisation
from evac.audit.models import AuditEvent
from evac.exports.models import ExportRequest

from .conftest import ask, url

pytestmark = pytest.mark.django_db


def set_threshold(organisation, rows):
    Organisation.objects.filter(pk=organisation.pk).update(export_approval_threshold=rows)


def test_at_the_threshold_the_requester_downloads_at_once(client, canada, exporter, cases):
    set_threshold(canada, 12)  # three families of four, one row per person
    client.force_login(exporter)
    response = ask(client, ["given_name"])
    export = ExportRequest.objects.get()
    assert response["Location"] == url("detail", export)
    assert str(export.pk) not in response["Location"].split("/")
    assert (export.state, export.row_count, export.case_count) == ("ready", 12, 3)
    assert export.requested_by == exporter and export.decided_by is None
    assert "Download" in client.get(url("detail", export)).content.decode()
    assert client.post(url("download", export)).status_code == 200


def test_case_columns_alone_count_one_row_per_case(client, canada, exporter, cases):
    set_threshold(canada, 3)
    client.force_login(exporter)
    ask(client, ["status", "principal_name"])
    export = ExportRequest.objects.get()
    assert (export.state, export.row_count) == ("ready", 3)


def test_above_the_threshold_a_second_member_approves_before_any_download(
    client, canada, exporter, approver, cases
):
    set_threshold(canada, 11)
    client.force_login(exporter)
    ask(client, ["given_name", "phone"])
    export = ExportRequest.objects.get()
    assert export.state == ExportRequest.State.AWAITING_APPROVAL
    # Nothing to download yet, however asked.
    response = client.post(url("download", export))
    assert response.status_code == 302 and not response.streaming
    assert not AuditEvent.objects.filter(action="export.download").exists()

    client.force_login(approver)
    listing = client.get(url("list")).content.decode()
    assert url("detail", export) in listing and "Waiting for your approval" in listing
    assert "Approve" in client.get(url("detail", export)).content.decode()
    response = client.post(
        url("decide", export), {"decision": "approve", "reason": "for the flight manifest"}
    )
    assert response.status_code == 302
    export.refresh_from_db()
    assert (export.state, export.decided_by, export.decision_reason) == (
        "ready",
        approver,
        "for the flight manifest",
    )
    # The approver cannot download what they approved: only the requester can.
    assert client.post(url("download", export)).status_code == 403

    client.force_login(exporter)
    response = client.post(url("download", export))
    assert response.status_code == 200 and response.streaming
    export.refresh_from_db()
    assert export.state == ExportRequest.State.DOWNLOADED and export.downloaded_at is not None


def test_a_refusal_needs_a_reason_and_ends_the_request(client, canada, exporter, approver, cases):
    set_threshold(canada, 0)  # every export needs approval
    client.force_login(exporter)
    ask(client, ["status"])
    export = ExportRequest.objects.get()
    assert export.state == ExportRequest.State.AWAITING_APPROVAL
    client.force_login(approver)
    response = client.post(url("decide", export), {"decision": "refuse", "reason": "  "}, follow=True)
    assert "Give a reason" in response.content.decode()
    export.refresh_from_db()
    assert export.state == ExportRequest.State.AWAITING_APPROVAL
    client.post(url("decide", export), {"decision": "refuse", "reason": "Not needed for this task"})
    export.refresh_from_db()
    assert (export.state, export.decided_by) == ("refused", approver)
    client.force_login(exporter)
    page = client.get(url("detail", export)).content.decode()
    assert "Not needed for this task" in page and "Refused" in page
    assert not client.post(url("download", export)).streaming


def test_a_doubled_approval_is_one_decision(client, canada, exporter, approver, cases, django_user_model):
    set_threshold(canada, 0)
    client.force_login(exporter)
    ask(client, ["status"])
    export = ExportRequest.objects.get()
    client.force_login(approver)
    client.post(url("decide", export), {"decision": "approve"})
    # The same page, clicked again (or a colleague's stale page): nothing changes.
    response = client.post(url("decide", export), {"decision": "refuse", "reason": "late"}, follow=True)
    assert "decided already" in response.content.decode()
    export.refresh_from_db()
    assert export.state == ExportRequest.State.READY and export.decision_reason == ""
    assert AuditEvent.objects.filter(action__in=["export.approve", "export.refuse"]).count() == 1


def test_a_doubled_request_is_one_request(client, exporter, cases):
    client.force_login(exporter)
    key = uuid.uuid4()
    first = ask(client, ["given_name"], key=key)
    second = ask(client, ["given_name"], key=key)
    assert ExportRequest.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert AuditEvent.objects.filter(action="export.request").count() == 1


def test_someone_elses_form_key_is_not_their_request(client, exporter, approver, cases):
    key = uuid.uuid4()
    client.force_login(exporter)
    ask(client, ["given_name"], key=key)
    client.force_login(approver)
    response = ask(client, ["given_name"], key=key)
    assert response.status_code == 200 and "already used" in response.content.decode()
    assert ExportRequest.objects.get().requested_by == exporter


def test_the_export_holds_the_case_lists_filters_and_freezes_them(client, canada, exporter, cases, officer):
    from evac.conftest import make_case

    client.force_login(exporter)
    # The case list's button posts its filters to the form, which shows them and counts the cases.
    form = client.post(url("create"), {"q": "Popalzai", "status": "received"})
    html = form.content.decode()
    assert form.status_code == 200 and 'value="Popalzai"' in html and "1 case matches" in html
    assert not ExportRequest.objects.exists()
    ask(client, ["given_name"], q="Popalzai", status="received")
    export = ExportRequest.objects.get()
    assert export.references == [cases[1].reference]
    assert export.filters == {"q": "Popalzai", "status": "received"}
    # A case that matches only later is not in the frozen request.
    make_case(canada, actor=officer, given_name="Late", family_name="Popalzai")
    export.refresh_from_db()
    assert export.references == [cases[1].reference] and export.row_count == 4
    detail = client.get(url("detail", export)).content.decode()
    assert "Name or reference: Popalzai" in detail and "Status: Received" in detail


def test_an_invalid_filter_exports_nothing_rather_than_everything(client, exporter, cases):
    client.force_login(exporter)
    response = ask(client, ["given_name"], program="no-such-program")
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not ExportRequest.objects.exists()


def test_no_matching_case_is_a_clear_error(client, exporter, cases):
    client.force_login(exporter)
    response = ask(client, ["given_name"], q="Nobodyatall")
    assert response.status_code == 200 and "nothing to export" in response.content.decode()
    assert not ExportRequest.objects.exists()


def test_columns_outside_the_table_are_refused(client, exporter, cases):
    client.force_login(exporter)
    for columns, message in (
        ([], "Choose at least one column."),
        (
            ["given_name", "applicant_secret_hash"],
            "applicant_secret_hash is not one of the available choices",
        ),
    ):
        response = ask(client, columns)
        assert response.status_code == 200 and message in response.content.decode()
    assert not ExportRequest.objects.exists()


def test_the_case_list_button_carries_the_shown_filters(client, exporter, cases):
    client.force_login(exporter)
    page = client.post(
        reverse("cases:list", kwargs={"org": "canada"}), {"q": "Barakzai", "status": "received"}
    )
    html = page.content.decode()
    export_form = html.split(f'action="{url("create")}"')[1].split("</form>")[0]
    assert 'name="q" value="Barakzai"' in export_form and 'name="status" value="received"' in export_form


def test_the_exports_page_takes_a_fixed_number_of_queries(
    client, canada, exporter, approver, cases, django_assert_max_num_queries
):
    set_threshold(canada, 0)
    for user in (exporter, approver):
        client.force_login(user)
        for _ in range(4):
            ask(client, ["status"])
    client.force_login(exporter)
    with django_assert_max_num_queries(8):
        response = client.get(url("list"))
    html = response.content.decode()
    assert html.count('href="/o/canada/exports/') >= 8 and "Waiting for your approval" in html


def test_the_service_refuses_columns_outside_the_table(canada, exporter, cases):
    from django.core.exceptions import ValidationError

    from evac.cases.models import Application
    from evac.exports.services import request_export

    from .conftest import membership

    with pytest.raises(ValidationError, match="columns from the list"):
        request_export(
            membership(exporter, canada),
            Application.objects.all(),
            filters={},
            columns=["search_text"],
            file_format="csv",
        )
    assert not ExportRequest.objects.exists()


def test_counting_again_keeps_the_form_and_asks_for_nothing(client, exporter, cases):
    client.force_login(exporter)
    key = str(uuid.uuid4())
    response = client.post(
        url("create"),
        {"q": "Karokhail", "columns": ["phone"], "format": "xlsx", "idempotency_key": key, "recount": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "1 case matches" in html
    assert 'value="phone" checked' in html and f'value="{key}"' in html
    assert re.search(r"<input[^>]*value=\"xlsx\"[^>]*checked>", html)
    assert not ExportRequest.objects.exists()
