"""The roster pages: upload, the job page that follows its progress, the list, and who may see them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evac.accounts.roles import Role
from evac.audit.models import AuditEvent
from evac.conftest import make_user
from evac.rosters.models import Employer, RosterEntry, RosterImport

from .conftest import ROWS, roster_file

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def upload(client, content, **data):
    return client.post(
        reverse("rosters:create", kwargs={"org": "canada"}),
        {"file": SimpleUploadedFile("staff list.csv", content), **data},
    )


@pytest.mark.parametrize("role", [Role.VERIFIER, Role.ORG_ADMIN])
def test_a_verifier_or_an_admin_uploads_a_roster_and_follows_it_to_the_end(
    client, canada, forces, settings, django_capture_on_commit_callbacks, role
):
    settings.TASKS = IMMEDIATE
    user = make_user(canada, role)
    client.force_login(user)
    assert client.get(reverse("rosters:create", kwargs={"org": "canada"})).status_code == 200
    content = roster_file([*ROWS, ("", "Nobody", "", "", "", "", "", "", "")])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, content, employer=str(forces.pk))
    job = RosterImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "rosters:import_detail", kwargs={"org": "canada", "roster_job_id": job.public_id}
    )
    assert job.status == "done" and job.uploaded_by == user and job.content == b""
    assert (job.entries_created, job.rows_rejected) == (4, 1)
    assert AuditEvent.objects.filter(action="roster.upload", actor=user, ip="127.0.0.1").exists()
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "4 entries created, 0 updated, 0 unchanged" in html
    assert "missing: every row needs the person" in html and 'hx-trigger="every 1s"' not in html
    errors = client.get(
        reverse("rosters:import_errors_csv", kwargs={"org": "canada", "roster_job_id": job.public_id})
    )
    assert errors.content.decode("utf-8-sig").splitlines()[1].startswith("6,badge_number,missing")
    listing = client.get(reverse("rosters:list", kwargs={"org": "canada"})).content.decode()
    assert "staff list.csv" in listing and "Canada Armed Forces" in listing
    # Counts, never a name: reading entries is the verifier's, beside a claim.
    assert "Wali" not in listing and "Wali" not in html


def test_a_running_import_is_polled_and_answers_a_fragment(client, verifier, forces):
    job = RosterImport.objects.create(organisation=forces.organisation, employer=forces, filename="r.csv")
    client.force_login(verifier)
    path = reverse("rosters:import_detail", kwargs={"org": "canada", "roster_job_id": job.public_id})
    page = client.get(path).content.decode()
    assert 'hx-trigger="every 1s"' in page and "Waiting for a worker" in page
    fragment = client.get(path, headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section id="job-status"')


def test_a_new_employer_can_be_named_with_its_roster(
    client, verifier, canada, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    client.force_login(verifier)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, roster_file(), new_employer="  Embassy of Canada to Afghanistan ")
    assert response.status_code == 302
    embassy = Employer.objects.get(organisation=canada, name="Embassy of Canada to Afghanistan")
    assert RosterEntry.objects.filter(employer=embassy).count() == 4
    assert AuditEvent.objects.filter(action="employer.create", target_ref=embassy.name).exists()


def test_the_form_says_what_is_wrong_before_anything_is_queued(client, verifier, forces):
    client.force_login(verifier)
    response = upload(client, b"given_name\nWali\n", employer=str(forces.pk))
    assert response.status_code == 200 and "lacks required columns: badge_number" in response.content.decode()
    response = upload(client, roster_file())
    assert "Choose the employer, or name a new one" in response.content.decode()
    response = upload(client, roster_file(), employer=str(forces.pk), new_employer="Another")
    assert "Choose the employer, or name a new one" in response.content.decode()
    assert not RosterImport.objects.exists()


def test_an_employer_of_another_organisation_cannot_be_chosen(client, verifier, uk):
    client.force_login(verifier)
    response = upload(client, roster_file(), employer=str(uk.employers.get().pk))
    assert response.status_code == 200 and not RosterImport.objects.exists()


@pytest.mark.parametrize("role", [Role.CASE_OFFICER, Role.INTAKE_CLERK, Role.AUDITOR])
def test_other_roles_may_not_load_rosters(client, canada, forces, role):
    job = RosterImport.objects.create(organisation=canada, employer=forces, filename="r.csv")
    client.force_login(make_user(canada, role))
    for name, kwargs in (
        ("rosters:list", {}),
        ("rosters:create", {}),
        ("rosters:import_detail", {"roster_job_id": job.public_id}),
        ("rosters:import_errors_csv", {"roster_job_id": job.public_id}),
    ):
        assert client.get(reverse(name, kwargs={"org": "canada", **kwargs})).status_code == 403
    assert upload(client, roster_file(), employer=str(forces.pk)).status_code == 403
    assert RosterImport.objects.count() == 1


def test_outsiders_get_404(client, outsider, forces):
    job = RosterImport.objects.create(organisation=forces.organisation, employer=forces, filename="r.csv")
    client.force_login(outsider)
    for org in ("canada", "uk"):
        path = reverse("rosters:import_detail", kwargs={"org": org, "roster_job_id": job.public_id})
        assert client.get(path).status_code == 404
