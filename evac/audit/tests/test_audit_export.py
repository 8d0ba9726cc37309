import base64
import csv
import hashlib
import io
import json
import shutil
import subprocess
import zipfile

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.urls import reverse

from evac.audit import export, signing
from evac.audit.models import AuditEvent
from evac.audit.services import Origin, record_event
from evac.cases.services import record_case_view


def export_url(org: str = "canada") -> str:
    return reverse("audit:export", kwargs={"org": org})


def download(client, **filters) -> bytes:
    response = client.post(export_url(), filters)
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-canada-')
    return b"".join(response.streaming_content)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        return {name: zipped.read(name) for name in zipped.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zipped:
        for name, content in files.items():
            zipped.writestr(name, content)
    return out.getvalue()


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(members(data)["events.csv"].decode())))


def own_key():
    return signing.private_key().public_key()


@pytest.fixture
def history(case, officer, outsider, uk):
    """Canada's case created and read; an event of the UK's that must stay there."""
    record_case_view(case, actor=officer, origin=Origin(ip="10.0.0.7"))
    record_event("case.view", actor=outsider, organisation=uk, target_type="application", target_ref="UKCASE")
    return case


@pytest.mark.django_db
def test_an_export_round_trips_and_verifies(client, auditor, history):
    client.force_login(auditor)
    data = download(client)
    assert sorted(members(data)) == ["events.csv", "manifest.json", "manifest.sig"]
    result = export.verify_export(io.BytesIO(data), own_key())
    assert result.ok, result.problems
    manifest = result.manifest
    exported = rows(data)
    assert manifest["count"] == len(exported) >= 2
    assert manifest["first_event"] == {"id": int(exported[0]["id"]), "hash": exported[0]["hash"]}
    assert manifest["last_event"] == {"id": int(exported[-1]["id"]), "hash": exported[-1]["hash"]}
    assert manifest["organisation"] == "canada" and manifest["exported_by"] == "auditor"
    assert manifest["public_key"] == signing.public_key_base64()
    view = next(r for r in exported if r["action"] == "case.view")
    assert view["target_ref"] == history.reference and view["ip"] == "10.0.0.7"
    assert view["channel"] == "web" and json.loads(view["detail"]) == {"channel": "web"}
    event = AuditEvent.objects.get(pk=view["id"])
    assert view["hash"] == event.hash and view["prev_hash"] == event.prev_hash


@pytest.mark.django_db
def test_the_export_is_audited_and_not_part_of_itself(client, auditor, history):
    client.force_login(auditor)
    data = download(client, action="case.")
    event = AuditEvent.objects.get(action="audit.export")
    assert event.actor == auditor and event.organisation.slug == "canada"
    assert event.detail["count"] == len(rows(data))
    assert event.detail["filters"]["action"] == "case."
    assert event.detail["manifest_sha256"] == hashlib.sha256(members(data)["manifest.json"]).hexdigest()
    assert str(event.pk) not in [r["id"] for r in rows(data)]


@pytest.mark.django_db
def test_filters_are_respected_and_recorded(client, auditor, history):
    client.force_login(auditor)
    data = download(client, action="case.view", record=history.display_reference)
    exported = rows(data)
    assert exported and {r["action"] for r in exported} == {"case.view"}
    assert {r["target_ref"] for r in exported} == {history.reference}
    manifest = json.loads(members(data)["manifest.json"])
    assert manifest["filters"] == {
        "action": "case.view",
        "record": history.display_reference,
        "since": "",
        "until": "",
        "user": "",
    }
    assert rows(download(client, user="nobody")) == []


@pytest.mark.django_db
def test_another_organisations_events_stay_out(client, auditor, history):
    client.force_login(auditor)
    data = download(client)
    assert "UKCASE" not in members(data)["events.csv"].decode()
    assert {r["organisation"] for r in rows(data)} <= {"canada", ""}


@pytest.mark.django_db
def test_a_changed_byte_in_events_csv_is_found(client, auditor, history):
    client.force_login(auditor)
    files = members(download(client))
    files["events.csv"] = files["events.csv"].replace(b"10.0.0.7", b"10.0.0.8")
    result = export.verify_export(io.BytesIO(rezip(files)), own_key())
    assert not result.ok
    assert any("events.csv was changed" in p for p in result.problems), result.problems
    assert not any("manifest.sig" in p for p in result.problems)


@pytest.mark.django_db
def test_a_changed_manifest_is_found(client, auditor, history):
    client.force_login(auditor)
    files = members(download(client))
    files["manifest.json"] = files["manifest.json"].replace(b'"count": ', b'"count": 1')
    result = export.verify_export(io.BytesIO(rezip(files)), own_key())
    assert any("manifest.sig does not match manifest.json" in p for p in result.problems), result.problems


@pytest.mark.django_db
def test_a_wrong_key_fails_and_says_which_key_signed(client, auditor, history):
    client.force_login(auditor)
    data = download(client)
    stranger = Ed25519PrivateKey.generate().public_key()
    result = export.verify_export(io.BytesIO(data), stranger)
    assert not result.ok
    assert signing.public_key_base64() in result.problems[0]


@pytest.mark.django_db
def test_a_file_slipped_into_the_archive_or_a_missing_one_is_named(client, auditor, history):
    client.force_login(auditor)
    files = members(download(client))
    result = export.verify_export(io.BytesIO(rezip({**files, "extra.csv": b"x"})), own_key())
    assert any("extra.csv" in p for p in result.problems)
    del files["manifest.sig"]
    result = export.verify_export(io.BytesIO(rezip(files)), own_key())
    assert result.problems == ["missing from the archive: manifest.sig"]
    assert not export.verify_export(io.BytesIO(b"not a zip"), own_key()).ok


@pytest.mark.django_db
def test_the_command_verifies_and_explains(client, auditor, history, tmp_path, capsys):
    client.force_login(auditor)
    data = download(client)
    good = tmp_path / "export.zip"
    good.write_bytes(data)
    call_command("verify_audit_export", str(good), public_key=signing.public_key_base64())
    assert "verified" in capsys.readouterr().out
    call_command("verify_audit_export", str(good))  # this installation's key by default
    files = members(data)
    files["events.csv"] += b"1,forged\r\n"
    bad = tmp_path / "bad.zip"
    bad.write_bytes(rezip(files))
    with pytest.raises(CommandError, match=r"events\.csv was changed"):
        call_command("verify_audit_export", str(bad))
    with pytest.raises(CommandError, match="public key is 3 bytes"):
        call_command("verify_audit_export", str(good), public_key=base64.b64encode(b"abc").decode())
    with pytest.raises(CommandError, match="no such file"):
        call_command("verify_audit_export", str(tmp_path / "missing.zip"))


@pytest.mark.django_db
def test_openssl_alone_can_check_an_export(client, auditor, history, tmp_path):
    """An outside party without evac: openssl for the signature, sha256 for the file."""
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    client.force_login(auditor)
    files = members(download(client))
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "key.pem").write_text(signing.public_key_pem())
    command = [
        "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "key.pem", "-rawin",
        "-in", "manifest.json", "-sigfile", "manifest.sig",
    ]  # fmt: skip
    checked = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)  # noqa: S603
    assert checked.returncode == 0 and "Signature Verified Successfully" in checked.stdout, checked
    (tmp_path / "manifest.json").write_bytes(files["manifest.json"].replace(b"canada", b"canadb"))
    tampered = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)  # noqa: S603
    assert tampered.returncode != 0


@pytest.mark.django_db
def test_a_selection_past_the_cap_is_refused_with_a_clear_message(client, auditor, history, monkeypatch):
    monkeypatch.setattr(export, "EXPORT_CAP", 1)
    client.force_login(auditor)
    response = client.post(export_url(), {"action": "case."}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("audit:log", kwargs={"org": "canada"}) + "?action=case."
    assert "more than 1 events" in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit.export").exists()


@pytest.mark.django_db
def test_formula_like_cells_are_defused(client, auditor, canada, history):
    record_event("=HYPERLINK(1)", actor=None, organisation=canada, target_ref="+cmd")
    client.force_login(auditor)
    row = next(r for r in rows(download(client)) if r["target_ref"].endswith("cmd"))
    assert row["action"] == "'=HYPERLINK(1)" and row["target_ref"] == "'+cmd"


@pytest.mark.django_db
def test_only_auditors_export(client, officer, admin_user, outsider, auditor, canada):
    for user in (officer, admin_user):
        client.force_login(user)
        assert client.post(export_url()).status_code == 403
    client.force_login(outsider)
    assert client.post(export_url()).status_code == 404
    client.force_login(auditor)
    assert client.get(export_url()).status_code == 405
    assert not AuditEvent.objects.filter(action="audit.export").exists()


@pytest.mark.django_db
def test_the_log_page_shows_the_public_key_and_the_export_form(client, auditor, canada):
    client.force_login(auditor)
    page = client.get(reverse("audit:log", kwargs={"org": "canada"}), {"action": "case."}).content.decode()
    assert signing.public_key_base64() in page and "BEGIN PUBLIC KEY" in page
    assert export_url() in page and 'name="action" value="case."' in page
