"""The upload page, the job page that follows its progress, the list, and who may see them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evac.accounts.roles import Role
from evac.audit.models import AuditEvent
from evac.cases.models import Application
from evac.conftest import make_user
from evac.imports import services
from evac.imports.models import ImportJob

from .conftest import ROWS, table

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def upload(client, canada, content, *, name="partner.csv", dry_run=False, capture=None):
    data = {"file": SimpleUploadedFile(name, content), "program": str(canada.programs.first().pk)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("imports:create", kwargs={"org": "canada"}), data)


def test_a_clerk_uploads_a_file_and_follows_it_to_the_end(
    client, clerk, canada, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    client.force_login(clerk)
    assert client.get(reverse("imports:create", kwargs={"org": "canada"})).status_code == 200
    content = table([*ROWS, ("Z-9", "Z-9-1", "self", "", *[""] * 10)])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, canada, content)
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "imports:detail", kwargs={"org": "canada", "job_id": job.public_id}
    )
    assert str(job.pk) not in response["Location"].split("/")
    assert job.status == "done" and job.uploaded_by == clerk and job.content == b""
    assert (job.applications_created, job.persons_created, job.rows_rejected) == (2, 4, 1)
    assert job.errors == [{"line": 6, "column": "given_name", "reason": "no name in any script"}]
    assert Application.objects.filter(created_by=clerk).count() == 2
    assert AuditEvent.objects.filter(action="import.upload", actor=clerk, ip="127.0.0.1").exists()

    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "no name in any script" in html and 'hx-trigger="every 1s"' not in html
    errors = client.get(reverse("imports:errors_csv", kwargs={"org": "canada", "job_id": job.public_id}))
    assert errors["Content-Type"].startswith("text/csv")
    assert errors.content.decode("utf-8-sig").splitlines() == [
        "line,column,reason",
        "6,given_name,no name in any script",
    ]
    listing = client.get(reverse("imports:list", kwargs={"org": "canada"}))
    assert listing.status_code == 200 and "partner.csv" in listing.content.decode()


def test_the_list_of_imports_takes_a_fixed_number_of_queries(
    client, clerk, canada, django_assert_max_num_queries
):
    for i in range(5):
        ImportJob.objects.create(
            organisation=canada, program=canada.programs.first(), filename=f"{i}.csv", uploaded_by=clerk
        )
    client.force_login(clerk)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("imports:list", kwargs={"org": "canada"}))
    assert response.content.decode().count("/imports/") >= 6


def test_a_running_job_polls_its_status_fragment(client, clerk, canada):
    client.force_login(clerk)
    job = ImportJob.objects.create(
        organisation=canada,
        program=canada.programs.first(),
        filename="big.csv",
        status="running",
        rows_total=1000,
        rows_done=250,
    )
    url = reverse("imports:detail", kwargs={"org": "canada", "job_id": job.public_id})
    html = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in html and 'value="250" max="1000"' in html
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert fragment.content.decode().lstrip().startswith('<section id="job-status"')
    assert "<html" not in fragment.content.decode()


def test_a_dry_run_upload_saves_no_case(client, clerk, canada, settings, django_capture_on_commit_callbacks):
    settings.TASKS = IMMEDIATE
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, canada, table(), dry_run=True)
    job = ImportJob.objects.get()
    assert job.dry_run and job.status == "done" and job.applications_created == 2
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"name,phone\nWali,1\n", "lacks required columns"), (b"%PDF-1.4", "not a spreadsheet")],
)
def test_the_form_says_what_is_wrong_with_the_file(client, clerk, canada, content, message):
    client.force_login(clerk)
    response = upload(client, canada, content)
    assert response.status_code == 200 and message in response.content.decode()
    assert not ImportJob.objects.exists()


def test_uploads_are_limited_in_size(client, clerk, canada, monkeypatch):
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 100)
    monkeypatch.setattr("evac.imports.forms.MAX_UPLOAD_BYTES", 100)
    client.force_login(clerk)
    response = upload(client, canada, table())
    assert response.status_code == 200 and "larger than" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_job_is_claimed_once(canada, settings):
    from evac.imports.tasks import run_import_job

    settings.TASKS = IMMEDIATE
    job = ImportJob.objects.create(
        organisation=canada, program=canada.programs.first(), filename="a.csv", content=table()
    )
    assert run_import_job.enqueue(job.pk).return_value["applications"]["created"] == 2
    assert run_import_job.enqueue(job.pk).return_value == {"skipped": True}
    assert Application.objects.count() == 2


def test_a_failed_file_is_shown_as_failed_and_forgotten(canada, settings):
    from evac.imports.tasks import run_import_job

    settings.TASKS = IMMEDIATE
    job = ImportJob.objects.create(
        organisation=canada, program=canada.programs.first(), filename="a.csv", content=b"nothing useful"
    )
    run_import_job.enqueue(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and "lacks required columns" in job.failure and job.content == b""


# -- who may do what ------------------------------------------------------------------------------


@pytest.fixture
def job(canada):
    return ImportJob.objects.create(
        organisation=canada, program=canada.programs.first(), filename="a.csv", status="done"
    )


def test_it_requires_the_right_to_create_cases(client, auditor, verifier, job):
    for user in (auditor, verifier):
        client.force_login(user)
        assert client.get(reverse("imports:create", kwargs={"org": "canada"})).status_code == 403
        assert client.post(reverse("imports:create", kwargs={"org": "canada"})).status_code == 403
        assert client.get(reverse("imports:list", kwargs={"org": "canada"})).status_code == 403
        assert (
            client.get(
                reverse("imports:detail", kwargs={"org": "canada", "job_id": job.public_id})
            ).status_code
            == 403
        )


def test_outsiders_get_404_for_another_organisations_job(client, outsider, job):
    client.force_login(outsider)
    for name in ("detail", "errors_csv"):
        assert (
            client.get(
                reverse(f"imports:{name}", kwargs={"org": "canada", "job_id": job.public_id})
            ).status_code
            == 404
        )
        # Not through their own organisation's URL either.
        assert (
            client.get(reverse(f"imports:{name}", kwargs={"org": "uk", "job_id": job.public_id})).status_code
            == 404
        )
    assert client.get(reverse("imports:create", kwargs={"org": "canada"})).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, job):
    response = client.get(reverse("imports:list", kwargs={"org": "canada"}))
    assert response.status_code == 302 and "sign" in response["Location"]


def test_a_program_of_another_organisation_is_refused(canada, uk):
    from django.core.exceptions import ValidationError

    membership = make_user(canada, Role.INTAKE_CLERK).memberships.get()
    with pytest.raises(ValidationError):
        services.start_import(membership, uk.programs.first(), "a.csv", table(), False)
