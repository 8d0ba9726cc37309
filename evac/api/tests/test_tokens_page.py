from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.utils import timezone

from evac.api.models import ApiToken
from evac.api.services import hash_token, issue_token
from evac.audit.models import AuditEvent

pytestmark = [pytest.mark.django_db]

PAGE = "/accounts/tokens/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def raw_token_in(response) -> str:
    html = response.content.decode()
    start = html.index('value="evac_') + len('value="')
    return html[start : html.index('"', start)]


def test_it_requires_sign_in():
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]


def test_a_user_creates_a_token_and_sees_it_once(officer):
    client = signed_in(officer)
    response = client.post(PAGE, {"name": "Partner import script", "expires_on": ""})
    assert response.status_code == 200
    raw = raw_token_in(response)
    token = ApiToken.objects.get(user=officer)
    assert token.name == "Partner import script"
    assert token.expires_at is None
    assert raw.startswith(token.prefix)
    assert token.token_hash == hash_token(raw)
    assert response["Cache-Control"].startswith("no-store")
    # The list shows the prefix, never the token again.
    again = client.get(PAGE).content.decode()
    assert token.prefix in again
    assert raw not in again


def test_creating_a_token_is_audited_without_the_token(officer):
    response = signed_in(officer).post(PAGE, {"name": "script"})
    raw = raw_token_in(response)
    event = AuditEvent.objects.get(action="api_token.create")
    assert event.actor == officer
    assert event.target_ref == ApiToken.objects.get().prefix
    assert raw not in str(event.detail)


def test_the_raw_token_is_stored_nowhere_in_the_database(officer):
    client = signed_in(officer)
    response = client.post(PAGE, {"name": "script"})
    raw = raw_token_in(response)
    secret_part = raw[len("evac_") + 12 :]  # beyond the prefix shown on the page
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our own tables
            for row in cursor.fetchall():
                assert secret_part not in repr(row), table
    # Sessions are encoded: look inside them too, and in the cookies the answer set.
    for session in Session.objects.all():
        assert secret_part not in repr(session.get_decoded())
    assert all(secret_part not in morsel.value for morsel in response.cookies.values())


def test_expiry_must_be_in_the_future(officer):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = signed_in(officer).post(PAGE, {"name": "x", "expires_on": yesterday.isoformat()})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_an_expiry_date_is_kept(officer):
    day = timezone.localdate() + timedelta(days=30)
    signed_in(officer).post(PAGE, {"name": "x", "expires_on": day.isoformat()})
    token = ApiToken.objects.get()
    assert timezone.localtime(token.expires_at).date() == day


def test_a_user_revokes_a_token(officer):
    token, _raw = issue_token(officer, name="old")
    response = signed_in(officer).post(f"{PAGE}{token.public_id}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    event = AuditEvent.objects.get(action="api_token.revoke")
    assert (event.actor, event.target_ref) == (officer, token.prefix)


def test_revoking_needs_a_post(officer):
    token, _raw = issue_token(officer, name="old")
    assert signed_in(officer).get(f"{PAGE}{token.public_id}/revoke/").status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_nobody_revokes_or_sees_another_users_token(officer, clerk):
    token, _raw = issue_token(officer, name="officer's")
    client = signed_in(clerk)
    assert client.post(f"{PAGE}{token.public_id}/revoke/").status_code == 404
    assert "officer&#x27;s" not in client.get(PAGE).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
