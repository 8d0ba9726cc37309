import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

PO = Path(settings.BASE_DIR) / "evac" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


@pytest.mark.django_db
def test_the_interface_speaks_french(client, case, officer):
    client.force_login(officer)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    page = client.get(
        reverse("cases:detail", kwargs={"org": "canada", "ref": case.reference})
    ).content.decode()
    assert '<html lang="fr"' in page
    assert "Demandeur principal" in page and "Historique" in page
    listing = client.get(reverse("cases:list", kwargs={"org": "canada"})).content.decode()
    assert "1 dossier" in listing


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "direction"), [("en", "ltr"), ("fr", "ltr"), ("fa", "rtl"), ("ps", "rtl")]
)
def test_the_layout_turns_right_to_left_for_dari_and_pashto(rf: RequestFactory, language, direction):
    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    with translation.override(language):
        html = render_to_string("accounts/sign_in.html", {"form": None}, request=request)
    assert re.search(rf'<html lang="{language}" dir="{direction}">', html)


def test_every_french_message_is_translated():
    """New text without its French is caught here, before a French-speaking officer finds it."""
    if not PO.exists():
        pytest.fail("the French catalog is missing")
    if shutil.which("msgfmt") is None:
        pytest.skip("needs msgfmt (apt-get install gettext); CI installs it")
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO)],  # noqa: S607
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_the_compiled_catalog_is_used():
    mo = PO.with_suffix(".mo")
    assert mo.exists()
    with translation.override("fr"):
        assert translation.gettext("Principal applicant") == "Demandeur principal"
