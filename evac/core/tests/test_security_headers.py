"""What a browser is told to enforce, what production is configured to do, and what an error shows.

A strict Content-Security-Policy on every page (own files only, no inline script or style), Django's
deployment checks clean under production settings, a server error that shows no traceback, and an
applicant's reference and secret kept out of URLs.
"""

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import path, reverse

from evac.intake import limits
from evac.intake.tests.conftest import apply

ROOT = Path(__file__).resolve().parents[3]

# The only sources a directive may name: evac's own origin, nothing, and data: URLs for images (the
# province map's inline SVG). No host, no scheme wildcard, no nonce or hash (both would allow inline code).
ALLOWED_SOURCES = {"'self'", "'none'"}
ALLOWED_EXTRA = {"img-src": {"data:"}}
REQUIRED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def boom(request):
    raise RuntimeError("the database password is hunter2")


# A test-only URLconf (pytest.mark.urls below): the one URL that raises.
urlpatterns = [path("boom/", boom)]


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def inline_code(html: str) -> list[str]:
    """Inline script, style and event handlers: what a strict policy makes the browser refuse."""
    found = re.findall(r"<script\b(?![^>]*\bsrc=)[^>]*>", html)
    found += re.findall(r"<style\b[^>]*>", html)
    found += re.findall(r"\s(on[a-z]+|style)=[\"']", html)
    found += re.findall(r"(?:href|src|action)=[\"']\s*javascript:", html)
    return found


@pytest.mark.django_db
def test_every_page_carries_a_strict_policy_and_no_inline_code(client, officer, case):
    public = ["/accounts/sign-in/", "/apply/", "/apply/fa/status/", "/api/v1/docs"]
    staff = [
        reverse("dashboard", kwargs={"org": "canada"}),
        reverse("cases:list", kwargs={"org": "canada"}),
        reverse("cases:detail", kwargs={"org": "canada", "ref": case.reference}),
        reverse("cases:create", kwargs={"org": "canada"}),
        reverse("imports:list", kwargs={"org": "canada"}),
    ]
    pages = [client.get(url) for url in public]
    client.force_login(officer)
    pages += [client.get(url) for url in staff]
    for response in pages:
        where = response.request["PATH_INFO"]
        assert response.status_code == 200, where
        directives = policy(response)
        for name, sources in REQUIRED.items():
            assert directives.get(name) == sources, (where, name, directives.get(name))
        for name, sources in directives.items():
            unexpected = set(sources) - ALLOWED_SOURCES - ALLOWED_EXTRA.get(name, set())
            assert not unexpected, f"{where}: {name} allows {sorted(unexpected)}"
        assert not inline_code(response.content.decode()), where


@pytest.mark.django_db
def test_the_policy_is_sent_with_error_pages_too(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("dashboard", kwargs={"org": "canada"}))
    assert response.status_code == 404
    assert policy(response)["script-src"] == ["'self'"]


def run_evac(*args: str, **env: str) -> subprocess.CompletedProcess:
    """`evac ...` in a fresh process with only the given EVAC_ settings, as a production server has."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EVAC_", "DATABASE_URL", "DJANGO_"))}
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-m", "evac.manage", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(tmp_path, **extra: str) -> dict[str, str]:
    return {
        "EVAC_SECRET_KEY": secrets.token_urlsafe(64),
        "EVAC_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "EVAC_AUDIT_SIGNING_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "EVAC_ALLOWED_HOSTS": "evac.example.org",
        "EVAC_VAR_DIR": str(tmp_path),
        **extra,
    }


# Until evac/settings.py has the production HTTPS defaults from the security report, Django's deployment
# check warns (HSTS without includeSubDomains and preload; with nothing set, no HTTPS redirect and no HSTS).
SETTINGS_PENDING = not getattr(settings, "SECURE_HSTS_INCLUDE_SUBDOMAINS", False)


@pytest.mark.xfail(
    SETTINGS_PENDING,
    reason="evac/settings.py lacks the production HTTPS defaults: apply the settings diff of the security report",
    strict=True,
)
@pytest.mark.parametrize(
    "extra",
    [
        {},
        {
            "EVAC_SSL_REDIRECT": "1",
            "EVAC_HSTS_SECONDS": "31536000",
            "EVAC_BEHIND_PROXY": "1",
            "EVAC_CSRF_TRUSTED_ORIGINS": "https://evac.example.org",
        },
    ],
    ids=["nothing-but-the-secrets-and-host", "as-the-deployment-guide-sets-it"],
)
def test_the_deployment_check_is_clean_with_production_settings(tmp_path, extra):
    result = run_evac("check", "--deploy", "--fail-level", "WARNING", **production(tmp_path, **extra))
    assert result.returncode == 0, result.stderr + result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_production_sends_cookies_over_https_only(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY)"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EVAC_", "DATABASE_URL"))}
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **production(tmp_path), "DJANGO_SETTINGS_MODULE": "evac.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["False", "True", "True", "True"], result.stderr


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_shows_no_traceback(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    for secret in ("Traceback", "RuntimeError", "hunter2", "boom", "SECRET_KEY", str(ROOT)):
        assert secret not in page, secret
    assert policy(response)["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_the_status_page_takes_the_reference_and_secret_in_the_body_never_the_url(
    client, canada, monkeypatch
):
    monkeypatch.setattr(limits, "MIN_SECONDS_TO_SUBMIT", 0)
    reference, secret = apply(client)
    status_url = reverse("intake:status", kwargs={"lang": "en"})
    page = client.get(status_url).content.decode()
    form = re.search(r"<form\b[^>]*>", page).group(0)
    assert 'method="post"' in form, form
    # Put in a query string (a link, a bookmark), they show nothing: no status, no name.
    leaked = client.get(status_url, {"reference": reference, "secret": secret})
    assert "Received" not in leaked.content.decode()
    # Sent as a form, they do, on the same URL: no redirect that could carry them.
    checked = client.post(status_url, {"reference": reference, "secret": secret})
    assert checked.status_code == 200 and "Received" in checked.content.decode()
    done = client.get(reverse("intake:done", kwargs={"lang": "en"}))
    for response in (leaked, checked, done):
        assert secret.replace("-", "") not in response.get("Location", "").replace("-", "")
