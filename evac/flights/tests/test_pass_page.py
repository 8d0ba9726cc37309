"""The applicant's boarding passes: reached from the status page with the reference and secret, one pass
per person with its QR code, in the applicant's language, as a page and a PDF; nothing in the URL."""

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from evac.audit.models import AuditEvent
from evac.cases.models import Application
from evac.flights import signing, tokens
from evac.flights.models import FlightStatus
from evac.flights.tests.gate_factories import make_flight, placed_with_passes
from evac.intake import pass_views

SECRET = "ABCD2345"


@pytest.fixture
def passes(case, canada):
    Application.objects.filter(pk=case.pk).update(applicant_secret_hash=make_password(SECRET))
    return placed_with_passes(case, make_flight(canada))


def check_status(client, case, lang="en", secret=SECRET):
    return client.post(
        reverse("intake:status", kwargs={"lang": lang}), {"reference": case.reference, "secret": secret}
    )


def test_the_status_page_leads_to_the_familys_passes(client, case, passes):
    status = check_status(client, case).content.decode()
    link = reverse("intake:passes", kwargs={"lang": "en"})
    assert f'href="{link}"' in status and case.reference not in link
    page = client.get(link)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert html.count('class="card boarding-pass"') == 4 and html.count("<svg") == 4
    for name in ("Mohammad Wali Ahmadzai", "Fatima", "Child0", "Child1", "CFC4021"):
        assert name in html
    assert passes[0].reference[:3] in html
    assert "12345678" not in html and "+93" not in html  # the document's end only, no phone
    event = AuditEvent.objects.get(action="boarding_pass.show")
    assert event.target_ref == case.reference and event.actor is None and event.detail["form"] == "page"


def test_the_qr_code_carries_a_token_the_flights_key_verifies(client, case, passes):
    check_status(client, case)
    # Read back what the page encodes: the same token as the service makes, signed by the flight.
    from evac.flights.passes import token_for

    token = token_for(passes[0])
    claims = tokens.verify(token, signing.public_key(passes[0].flight))
    assert claims.pass_id == passes[0].public_id


def test_the_passes_are_in_the_applicants_language(client, case, passes):
    check_status(client, case, "fa")
    response = client.get(reverse("intake:passes", kwargs={"lang": "fa"}))
    html = response.content.decode()
    assert response["Content-Language"] == "fa" and 'dir="rtl"' in html
    # The page runs in the applicant's language (the catalogs' strings, the footer's here).
    assert '<html lang="fa"' in html and "Check the status of an application" not in html
    check_status(client, case, "fr")
    french = client.get(reverse("intake:passes", kwargs={"lang": "fr"})).content.decode()
    assert '<html lang="fr"' in french and "Check the status of an application" not in french


def test_without_a_status_check_there_is_nothing_to_see(client, case, passes):
    response = client.get(reverse("intake:passes", kwargs={"lang": "en"}))
    assert response.status_code == 302 and response["Location"] == reverse(
        "intake:status", kwargs={"lang": "en"}
    )
    check_status(client, case, secret="WRONG234")
    assert client.get(reverse("intake:passes", kwargs={"lang": "en"})).status_code == 302
    assert client.get(reverse("intake:passes_pdf", kwargs={"lang": "en"})).status_code == 302


def test_the_access_ends_after_a_while_and_when_closed(client, case, passes, settings):
    check_status(client, case)
    link = reverse("intake:passes", kwargs={"lang": "en"})
    assert client.get(link).status_code == 200
    client.post(reverse("intake:passes_close", kwargs={"lang": "en"}))
    assert client.get(link).status_code == 302
    check_status(client, case)
    session = client.session
    session[pass_views.SESSION_KEY] = {**session[pass_views.SESSION_KEY], "at": "2021-08-26T10:00:00+04:30"}
    session.save()
    assert client.get(link).status_code == 302


def test_a_departed_flights_passes_are_no_longer_shown(client, case, passes):
    check_status(client, case)
    passes[0].flight.__class__.objects.update(status=FlightStatus.DEPARTED)
    assert client.get(reverse("intake:passes", kwargs={"lang": "en"})).status_code == 302


def test_a_family_without_passes_sees_no_link(client, case):
    Application.objects.filter(pk=case.pk).update(applicant_secret_hash=make_password(SECRET))
    html = check_status(client, case).content.decode()
    assert reverse("intake:passes", kwargs={"lang": "en"}) not in html


def test_the_pdf_has_one_page_per_person(client, case, passes):
    check_status(client, case)
    response = client.get(reverse("intake:passes_pdf", kwargs={"lang": "en"}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    body = response.content
    assert body.startswith(b"%PDF") and body.count(b"/Type /Page\n") + body.count(b"/Type /Page ") >= 4
    assert AuditEvent.objects.get(action="boarding_pass.show").detail["form"] == "pdf"
