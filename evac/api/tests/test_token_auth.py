from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evac.api.models import ApiToken
from evac.api.services import LAST_USED_RESOLUTION, issue_token, revoke_token
from evac.api.tests.conftest import ApiClient, url

pytestmark = pytest.mark.django_db


def assert_401(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "detail" in response.json()


def test_no_credentials_is_401(case):
    assert_401(Client().get(url("canada", case.reference)))
    assert_401(ApiClient().post_json(url("canada"), {}))


def test_an_unknown_or_malformed_token_is_401(case):
    assert_401(ApiClient("evac_not-a-real-token").get(url("canada", case.reference)))
    assert_401(ApiClient("ünïcödé").get(url("canada", case.reference)))
    assert_401(Client(HTTP_AUTHORIZATION="Basic b2ZmaWNlcjpwdw==").get(url("canada")))


def test_a_revoked_token_is_401(case, officer):
    token, raw = issue_token(officer, name="t")
    assert ApiClient(raw).get(url("canada", case.reference)).status_code == 200
    revoke_token(token, actor=officer)
    assert_401(ApiClient(raw).get(url("canada", case.reference)))


def test_an_expired_token_is_401(case, officer):
    _token, raw = issue_token(officer, name="t", expires_at=timezone.now() - timedelta(seconds=1))
    assert_401(ApiClient(raw).get(url("canada", case.reference)))


def test_a_token_of_a_deactivated_user_is_401(case, officer):
    _token, raw = issue_token(officer, name="t")
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    assert_401(ApiClient(raw).get(url("canada", case.reference)))


def test_last_used_is_written_at_most_once_a_minute(case, officer):
    token, raw = issue_token(officer, name="t")
    client = ApiClient(raw)
    client.get(url("canada"))
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    with CaptureQueriesContext(connection) as queries:
        client.get(url("canada"))
    assert not [q for q in queries if "UPDATE" in q["sql"] and "api_apitoken" in q["sql"]]
    token.refresh_from_db()
    assert token.last_used_at == first
    # A minute later, the next request records itself again.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - LAST_USED_RESOLUTION)
    client.get(url("canada"))
    token.refresh_from_db()
    assert token.last_used_at > first


def test_a_signed_in_session_reads_without_a_token(case, officer):
    client = Client()
    client.force_login(officer)
    assert client.get(url("canada", case.reference)).status_code == 200


def test_a_session_must_send_the_csrf_token_to_write(case, officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    body = '{"status": "in_review", "reason": "go"}'
    refused = client.post(url("canada", case.reference, "status"), body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    case.refresh_from_db()
    assert case.status == "received"
    # With the cookie the pages set and the matching header, the same call goes through.
    client.get("/o/canada/")  # any page with a form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = client.post(
        url("canada", case.reference, "status"), body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert accepted.status_code == 200, accepted.json()


def test_a_bad_token_is_refused_even_from_a_signed_in_browser(case, officer):
    client = Client(HTTP_AUTHORIZATION="Bearer evac_revoked-or-wrong")
    client.force_login(officer)
    assert_401(client.get(url("canada", case.reference)))


def test_a_token_issued_from_the_command_line_works(officer, case, capsys):
    from django.core.management import call_command
    from django.test import Client

    call_command("create_api_token", user="officer", name="partner sync", days=30)
    raw = capsys.readouterr().out.strip()
    assert raw.startswith("evac_")
    response = Client().get(
        f"/api/v1/orgs/canada/applications/{case.reference}", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 200
