"""An applicant registers a family on the public form, in each of the four languages."""

import re

import pytest
from django.contrib.auth.hashers import check_password
from django.urls import reverse

from evac.audit.models import AuditEvent
from evac.cases.models import Application, Relationship, Source
from evac.core import references
from evac.intake.models import IntakeDraft
from evac.intake.tests.conftest import PRINCIPAL, SPOUSE, WORK, apply, fill, receipt, send, step, url
from evac.programs.models import Program

pytestmark = pytest.mark.django_db

# A phrase of the applicant page in each language, to be sure it is not silently English.
FATHER = {"en": "Father&#x27;s name", "fr": "Nom du père", "fa": "نام پدر", "ps": "د پلار نوم"}


@pytest.mark.parametrize(("lang", "direction"), [("en", "ltr"), ("fr", "ltr"), ("fa", "rtl"), ("ps", "rtl")])
def test_it_takes_a_family_from_first_screen_to_reference_in_each_language(client, canada, lang, direction):
    assert client.get(reverse("intake:languages")).status_code == 200
    start = client.get(url("start", lang))
    assert start.status_code == 302 and start.url == url("program", lang)
    fill(client, lang)
    for name in ("program", "applicant", "family", "member_add", "employment", "contact", "review"):
        page = client.get(url(name, lang))
        assert page.status_code == 200, name
        html = page.content.decode()
        assert f'<html lang="{lang}" dir="{direction}">' in html, name
        assert page["Content-Language"] == lang
        # Small pages for a cheap phone on a slow network, and nothing a strict CSP would block.
        assert len(page.content) < 16_000, (name, len(page.content))
        assert "<script" not in html and " style=" not in html and "<img" not in html
        assert "no-store" in page["Cache-Control"] or "max-age=0" in page["Cache-Control"]
    assert FATHER[lang] in client.get(url("applicant", lang)).content.decode()

    response = send(client, lang)
    assert response.status_code == 302 and response.url == url("done", lang)
    done = client.get(url("done", lang))
    assert f'<html lang="{lang}" dir="{direction}">' in done.content.decode()
    reference = re.search(r'id="reference">([^<]+)<', done.content.decode()).group(1)
    assert references.is_valid(reference) and reference.count("-") == 2

    case = Application.objects.get()
    assert case.display_reference == reference
    assert case.source == Source.WEB and case.language == lang and case.created_by is None
    assert case.family_size == 2 and case.province_id == "AF-KAN" and case.district == "Dand"
    principal = case.people.get(relationship=Relationship.SELF)
    assert principal.father_name == "Gul Ahmad" and principal.phone == "+93 79 912 3456"
    job = case.employments.get()
    assert job.employer is not None and job.start.year == 2009 and job.person == principal
    assert not IntakeDraft.objects.exists()


def test_the_stored_secret_is_a_hash_that_the_shown_secret_opens(client, canada):
    _reference, secret = apply(client)
    case = Application.objects.get()
    plain = secret.replace("-", "")
    assert len(plain) == 8 and all(ch in references.ALPHABET for ch in plain)
    assert plain not in case.applicant_secret_hash
    assert check_password(plain, case.applicant_secret_hash)


def test_a_person_with_one_name_and_no_family_name_is_accepted(client, canada):
    one_name = {**PRINCIPAL, "given_name": "Hamidullah", "family_name": "", "native_name": ""}
    apply(client, principal=one_name, members=())
    person = Application.objects.get().people.get()
    assert (
        person.given_name == "Hamidullah" and person.family_name == "" and person.father_name == "Gul Ahmad"
    )
    assert person.full_name == "Hamidullah"


def test_the_principal_must_give_a_father_name_but_no_family_name(client, canada):
    fill(client, members=())
    response = client.post(url("applicant"), {**PRINCIPAL, "family_name": "", "father_name": ""})
    assert response.status_code == 200
    assert "Please give your father&#x27;s name." in response.content.decode()


def test_a_solar_hijri_birth_year_becomes_its_gregorian_year(client, canada):
    apply(client, principal={**PRINCIPAL, "birth_date": "1365"}, members=())
    person = Application.objects.get().people.get()
    assert (person.birth_year, person.birth_month, person.birth_day) == (1986, None, None)


def test_a_full_solar_hijri_date_with_persian_digits_is_read(client, canada):
    apply(client, principal={**PRINCIPAL, "birth_date": "۱۳۶۵/۰۲/۱۳"}, members=())
    person = Application.objects.get().people.get()
    assert (person.birth_year, person.birth_month, person.birth_day) == (1986, 5, 3)


def test_an_unreadable_birth_date_is_refused_in_the_applicants_language(client, canada):
    fill(client, "fa", members=())
    response = client.post(url("applicant", "fa"), {**PRINCIPAL, "birth_date": "next spring"})
    assert response.status_code == 200
    assert "این تاریخ خوانده نمی‌شود" in response.content.decode()


def test_a_name_only_in_perso_arabic_script_is_enough(client, canada):
    native_only = {
        **PRINCIPAL,
        "given_name": "",
        "family_name": "",
        "native_name": "حمیدالله",
        "father_name": "گل احمد",
    }
    child = {
        **SPOUSE,
        "relationship": "child",
        "given_name": "",
        "native_name": "مریم",
        "sex": "F",
        "birth_date": "1395",
    }
    apply(client, "fa", principal=native_only, members=[child])
    case = Application.objects.get()
    assert case.principal_name == "حمیدالله"
    assert [p.native_name for p in case.people.all()] == ["حمیدالله", "مریم"]


def test_a_name_typed_in_perso_arabic_in_the_latin_field_is_moved_where_it_belongs(client, canada):
    typed = {**PRINCIPAL, "given_name": "حمیدالله", "family_name": "", "native_name": ""}
    apply(client, "fa", principal=typed, members=())
    person = Application.objects.get().people.get()
    assert person.given_name == "" and person.native_name == "حمیدالله"


def test_a_person_needs_some_name(client, canada):
    fill(client, members=())
    response = client.post(url("member_add"), {**SPOUSE, "given_name": "", "native_name": ""})
    assert response.status_code == 200
    assert "Give a name in Latin letters" in response.content.decode()


def test_family_members_are_added_one_at_a_time_changed_and_removed(client, canada):
    fill(client, members=(SPOUSE, {**SPOUSE, "relationship": "child", "given_name": "Ali"}))
    response = client.post(url("member", index=0), {**SPOUSE, "given_name": "Fatema"})
    assert response.status_code == 302
    client.post(url("member_remove", index=1))
    family = client.get(url("family")).content.decode()
    assert "Fatema" in family and "Ali" not in family
    apply_response = send(client)
    assert apply_response.status_code == 302
    assert [p.given_name for p in Application.objects.get().people.all()] == ["Mohammad Wali", "Fatema"]


def test_a_doubled_submission_creates_one_case_and_shows_the_same_receipt(client, canada):
    fill(client)
    first = send(client)
    second = send(client)
    assert first.status_code == second.status_code == 302
    assert second.url == url("done")
    assert Application.objects.count() == 1
    reference, _secret = receipt(client)
    assert reference == Application.objects.get().display_reference


def test_two_racing_submissions_of_one_draft_make_one_case(client, canada):
    """The second request read the draft before the first deleted it: the idempotency key answers it."""
    from evac.audit.services import Origin
    from evac.intake import services

    fill(client)
    draft = IntakeDraft.objects.get()
    copy = IntakeDraft.objects.get(pk=draft.pk)
    first, created = services.submit(draft, origin=Origin(ip="10.0.0.1"))
    again, created_again = services.submit(copy, origin=Origin(ip="10.0.0.1"))
    assert created and not created_again and again.pk == first.pk
    assert Application.objects.count() == 1


def test_only_open_programs_are_offered_and_a_closed_one_cannot_be_chosen(client, canada):
    closed = Program.objects.create(organisation=canada, slug="closed", name="Closed scheme", is_open=False)
    page = client.get(url("program")).content.decode()
    assert "Canada program" in page and "Closed scheme" not in page
    response = client.post(url("program"), {"program": closed.pk})
    assert response.status_code == 200 and not IntakeDraft.objects.exists()


def test_a_program_that_closes_during_the_form_receives_nothing(client, canada):
    fill(client)
    Program.objects.update(is_open=False)
    response = send(client)
    assert response.status_code == 200
    assert "no longer open" in response.content.decode()
    assert not Application.objects.exists() and IntakeDraft.objects.exists()


def test_programs_of_every_organisation_are_offered_with_their_description(client, canada, uk):
    Program.objects.filter(organisation=uk).update(description="For those who served with British forces.")
    page = client.get(url("program")).content.decode()
    assert "Canada program" in page and "Uk program" in page and "served with British forces" in page
    uk_program = Program.objects.get(organisation=uk)
    apply(client, program=uk_program)
    assert Application.objects.get().organisation == uk


def test_steps_cannot_be_skipped(client, canada):
    assert client.get(url("review")).url == url("program")
    step(client, "program", "en", {"program": Program.objects.get().pk})
    assert client.get(url("employment")).url == url("applicant")


def test_what_a_clerk_should_check_is_flagged(client, canada):
    apply(
        client,
        members=(),
        principal={**PRINCIPAL, "birth_date": "1986-01-01"},
        work={**WORK, "employer_name": "Some contractor", "role": "other", "role_as_written": "Mechanic"},
        contact={"phone": "+92 300 1234567", "province": "elsewhere", "province_as_written": "Peshawar"},
    )
    case = Application.objects.get()
    assert set(case.review_flags) == {
        "province_unresolved",
        "employer_unknown",
        "role_unknown",
        "placeholder_birth_date",
    }
    assert case.province is None and case.province_as_written == "Peshawar"
    assert case.employments.get().role_as_written == "Mechanic"


def test_the_case_is_created_by_the_service_with_its_audit_event(client, canada):
    reference, _secret = apply(client)
    event = AuditEvent.objects.get(action="case.create")
    assert event.actor is None and event.actor_name == "web"
    assert event.target_ref == references.normalise(reference) and event.organisation == canada
    assert event.ip == "127.0.0.1" and event.detail["channel"] == "web" and event.detail["source"] == "web"


def test_the_receipt_is_shown_until_the_applicant_has_written_it_down(client, canada):
    reference, _secret = apply(client)
    assert reference in client.get(url("done")).content.decode()
    response = client.post(url("done"))
    assert response.url == url("status")
    page = client.get(url("done")).content.decode()
    assert reference not in page and "shown once" in page
