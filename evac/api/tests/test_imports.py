"""Uploading a spreadsheet through the API and following it, with the same rules as the Imports page."""

import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evac.audit.models import AuditEvent
from evac.cases.models import Application
from evac.imports.tests.conftest import table

URL = "/api/v1/orgs/{org}/imports"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """upload(client, ...): the job is queued once its row is committed, which a test's transaction never
    is, so the upload runs its on-commit callbacks (the immediate backend then runs the job)."""

    def send(client, org="canada", content=None, **fields):
        data = {
            "program": "canada-program",
            "file": SimpleUploadedFile("partner.csv", content or table()),
            **fields,
        }
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL.format(org=org), data)

    return send


@pytest.mark.django_db
def test_a_clerk_uploads_a_file_and_follows_it_to_the_end(api_for, upload, clerk, canada, settings):
    settings.TASKS = IMMEDIATE
    client = api_for(clerk)
    response = upload(client)
    assert response.status_code == 202, response.content
    job = response.json()
    # The immediate backend ran it already; a real worker would show queued, then running.
    followed = client.get(f"{URL.format(org='canada')}/{job['id']}").json()
    assert followed["status"] == "done"
    assert followed["applications"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert followed["persons"]["created"] == 4
    assert Application.objects.filter(organisation=canada, source="import").count() == 2
    assert AuditEvent.objects.filter(action="import.upload", detail__channel="api").exists()


@pytest.mark.django_db
def test_a_dry_run_saves_nothing(api_for, upload, clerk, canada, settings):
    settings.TASKS = IMMEDIATE
    client = api_for(clerk)
    job = upload(client, dry_run="true").json()
    followed = client.get(f"{URL.format(org='canada')}/{job['id']}").json()
    assert followed["dry_run"] is True and followed["applications"]["created"] == 2
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_a_spreadsheet_is_a_422_naming_the_file(api_for, upload, clerk, canada):
    response = upload(api_for(clerk), content=b"%PDF-1.7 not a table")
    assert response.status_code == 422
    assert response.json()["field"] == "file"


@pytest.mark.django_db
def test_another_organisations_program_is_refused(api_for, upload, clerk, canada, uk):
    response = upload(api_for(clerk), program="uk-program")
    assert response.status_code == 422 and response.json()["field"] == "program"


@pytest.mark.django_db
def test_roles_and_organisations(api_for, upload, clerk, auditor, outsider, canada, settings):
    settings.TASKS = IMMEDIATE
    assert upload(api_for(auditor)).status_code == 403
    assert upload(api_for(outsider)).status_code == 404
    job = upload(api_for(clerk)).json()
    assert api_for(outsider).get(f"{URL.format(org='canada')}/{job['id']}").status_code == 404
    assert api_for(outsider).get(f"{URL.format(org='uk')}/{job['id']}").status_code == 404
    assert api_for(auditor).get(f"{URL.format(org='canada')}/{job['id']}").status_code == 403


@pytest.mark.django_db
def test_a_multipart_body_without_its_boundary_is_a_400_not_a_500(api_for, clerk, canada):
    # Found by schemathesis against the running server.
    response = api_for(clerk).post(URL.format(org="canada"), b"file=x", content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json()["field"] == "body"


@pytest.mark.django_db
@pytest.mark.parametrize("content", [b"\rq\x99\x88\t\x06\xfe", b"\t\x06", random.Random(7).randbytes(64)])
def test_garbage_is_a_422_naming_the_file_never_a_500(api_for, upload, clerk, canada, content):
    # A lone carriage return made the CSV reader raise: found by schemathesis against the running server.
    response = upload(api_for(clerk), content=content)
    assert response.status_code == 422
    assert response.json()["field"] == "file"
