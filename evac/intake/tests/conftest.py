"""An applicant filling in the form with Django's test client, one step at a time, as a browser would."""

import re

import pytest
from django.urls import reverse

from evac.intake import limits

PRINCIPAL = {
    "given_name": "Mohammad Wali",
    "family_name": "Ahmadzai",
    "native_name": "محمد ولی احمدزی",
    "father_name": "Gul Ahmad",
    "grandfather_name": "",
    "sex": "M",
    "birth_date": "1986",
    "tazkira_number": "1400-0101-12345678",
    "passport_number": "",
    "medical_needs": "",
}
SPOUSE = {
    "relationship": "spouse",
    "given_name": "Fatima",
    "family_name": "",
    "native_name": "",
    "father_name": "Abdul Rahman",
    "sex": "F",
    "birth_date": "1990",
}
WORK = {"employer_name": "Canada Armed Forces", "role": "interpreter", "start": "2009", "end": "2014"}
CONTACT = {"phone": "+93 79 912 3456", "email": "", "province": "AF-KAN", "district": "Dand"}


@pytest.fixture(autouse=True)
def _no_minimum_time(monkeypatch):
    """The minimum time before sending has a test of its own; the others would wait for nothing."""
    monkeypatch.setattr(limits, "MIN_SECONDS_TO_SUBMIT", 0)


def url(name: str, lang: str = "en", **kwargs) -> str:
    return reverse(f"intake:{name}", kwargs={"lang": lang, **kwargs})


def step(client, name: str, lang: str, data: dict, **extra):
    """Post one step and insist that it was accepted (a redirect to the next step)."""
    response = client.post(url(name, lang), data, **extra)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def fill(
    client,
    lang="en",
    *,
    program=None,
    principal=PRINCIPAL,
    members=(SPOUSE,),
    work=WORK,
    contact=CONTACT,
    **extra,
):
    """Every step up to the review page, not yet sent."""
    if program is None:
        from evac.programs.models import Program

        program = Program.objects.filter(is_open=True).first()
    step(client, "program", lang, {"program": program.pk}, **extra)
    step(client, "applicant", lang, principal, **extra)
    for member in members:
        step(client, "member_add", lang, member, **extra)
    step(client, "family", lang, {}, **extra)
    step(client, "employment", lang, work, **extra)
    step(client, "contact", lang, contact, **extra)


def send(client, lang="en", **extra):
    return client.post(url("review", lang), {"confirm": "on", "website": ""}, **extra)


def receipt(client, lang="en") -> tuple[str, str]:
    """The reference and secret as the done page shows them."""
    page = client.get(url("done", lang)).content.decode()
    reference = re.search(r'id="reference">([^<]+)<', page).group(1)
    secret = re.search(r'id="secret">([^<]+)<', page).group(1)
    return reference, secret


def apply(client, lang="en", **kwargs) -> tuple[str, str]:
    fill(client, lang, **kwargs)
    response = send(client, lang)
    assert response.status_code == 302 and response.url == url("done", lang), response.content.decode()[:3000]
    return receipt(client, lang)
