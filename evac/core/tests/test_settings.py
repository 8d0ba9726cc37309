"""Production must never start on the development key; the demo must start with nothing set."""

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parents[3]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EVAC_", "DATABASE_URL"))}
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


AUDIT_KEY = base64.b64encode(bytes(range(32))).decode()
MASTER_KEY = base64.b64encode(bytes(range(32, 64))).decode()


def test_the_wsgi_application_refuses_the_development_keys_outside_the_demo(tmp_path):
    result = run_python("import evac.wsgi", EVAC_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "not set: EVAC_SECRET_KEY, EVAC_MASTER_KEY, EVAC_AUDIT_SIGNING_KEY" in result.stderr


@pytest.mark.parametrize("missing", ["EVAC_MASTER_KEY", "EVAC_AUDIT_SIGNING_KEY"])
def test_the_wsgi_application_refuses_any_one_development_key(tmp_path, missing):
    keys = {"EVAC_SECRET_KEY": "x" * 50, "EVAC_MASTER_KEY": MASTER_KEY, "EVAC_AUDIT_SIGNING_KEY": AUDIT_KEY}
    del keys[missing]
    result = run_python("import evac.wsgi", EVAC_VAR_DIR=str(tmp_path), **keys)
    assert result.returncode != 0
    assert f"not set: {missing}." in result.stderr


def test_the_wsgi_application_starts_with_its_secrets_set(tmp_path):
    result = run_python(
        "import evac.wsgi; print('ok')",
        EVAC_VAR_DIR=str(tmp_path),
        EVAC_SECRET_KEY="x" * 50,
        EVAC_MASTER_KEY=MASTER_KEY,
        EVAC_AUDIT_SIGNING_KEY=AUDIT_KEY,
    )
    assert result.returncode == 0, result.stderr
    assert not [f.name for f in tmp_path.iterdir() if f.name.startswith("development-")]


def test_an_audit_key_that_is_not_32_bytes_of_base64_is_refused(tmp_path):
    code = "import django; django.setup()"
    for bad in ("not base64!", base64.b64encode(b"short").decode()):
        result = run_python(
            code,
            EVAC_VAR_DIR=str(tmp_path),
            EVAC_AUDIT_SIGNING_KEY=bad,
            DJANGO_SETTINGS_MODULE="evac.settings",
        )
        assert result.returncode != 0
        assert "EVAC_AUDIT_SIGNING_KEY is not the base64 of 32 bytes" in result.stderr


def test_the_demo_makes_its_audit_key_once_and_keeps_it_private(tmp_path):
    code = (
        "import django; django.setup(); from evac.audit.signing import public_key_base64; "
        "print(public_key_base64())"
    )
    env = {"EVAC_VAR_DIR": str(tmp_path), "EVAC_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "evac.settings"}
    first, again = run_python(code, **env), run_python(code, **env)
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout and len(base64.b64decode(first.stdout)) == 32
    assert (tmp_path / "development-audit-signing-key").stat().st_mode & 0o077 == 0
    assert (tmp_path / "development-master-key").stat().st_mode & 0o077 == 0


def test_the_demo_starts_with_nothing_set_and_keeps_its_key_out_of_the_repo(tmp_path):
    code = (
        "from django.conf import settings as s; import django; django.setup(); print(s.DEBUG, s.SECRET_KEY)"
    )
    first = run_python(
        code, EVAC_VAR_DIR=str(tmp_path), EVAC_DEBUG="1", DJANGO_SETTINGS_MODULE="evac.settings"
    )
    again = run_python(
        code, EVAC_VAR_DIR=str(tmp_path), EVAC_DEBUG="1", DJANGO_SETTINGS_MODULE="evac.settings"
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout == again.stdout  # the same key across restarts, so sessions survive
    assert first.stdout.startswith("True ")
    assert (tmp_path / "development-secret-key").stat().st_mode & 0o077 == 0


def test_evac_serve_refuses_without_a_secret_key(settings):
    settings.USING_DEVELOPMENT_SECRET = True
    settings.DEVELOPMENT_SECRETS = ["EVAC_SECRET_KEY"]
    with pytest.raises(CommandError, match="not set: EVAC_SECRET_KEY"):
        call_command("serve")


def test_evac_serve_refuses_without_an_audit_signing_key(settings):
    settings.USING_DEVELOPMENT_SECRET = True
    settings.DEVELOPMENT_SECRETS = ["EVAC_AUDIT_SIGNING_KEY"]
    with pytest.raises(CommandError, match="not set: EVAC_AUDIT_SIGNING_KEY"):
        call_command("serve")


def test_debug_is_off_unless_asked_for(tmp_path):
    code = "from django.conf import settings as s; import django; django.setup(); print(s.DEBUG)"
    result = run_python(code, EVAC_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="evac.settings")
    assert result.stdout.strip() == "False"


def test_only_the_demo_may_move_the_rules_clock(tmp_path):
    code = "import django; django.setup(); from evac.core import clock; print(clock.today())"
    env = {
        "EVAC_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "evac.settings",
        "EVAC_TODAY": "2021-08-14",
    }
    assert run_python(code, EVAC_DEBUG="1", **env).stdout.strip() == "2021-08-14"
    refused = run_python(code, **env)
    assert refused.returncode != 0 and "EVAC_TODAY" in refused.stderr
