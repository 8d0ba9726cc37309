"""API test helpers: a client per persona, authenticated with a real token issued by the real service."""

import json

import pytest
from django.test import Client

from evac.api.services import issue_token

BASE = "/api/v1/orgs"


def pytest_configure(config):
    config.addinivalue_line("markers", "fuzz: schemathesis run over the OpenAPI document (part of make test)")


def url(org: str, reference: str | None = None, action: str | None = None) -> str:
    path = f"{BASE}/{org}/applications"
    if reference is not None:
        path += f"/{reference}"
    if action is not None:
        path += f"/{action}"
    return path


class ApiClient(Client):
    """Django's test client with a bearer token and JSON bodies by default."""

    def __init__(self, raw_token: str | None = None, **defaults):
        if raw_token is not None:
            defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw_token}"
        super().__init__(**defaults)

    def post_json(self, path: str, data, **extra):
        body = data if isinstance(data, str | bytes) else json.dumps(data)
        return self.post(path, body, content_type="application/json", **extra)


@pytest.fixture
def api_for():
    """api_for(user) -> a client carrying a fresh token of that user."""

    def make(user, **token_fields) -> ApiClient:
        _token, raw = issue_token(user, name="tests", **token_fields)
        return ApiClient(raw)

    return make


def family(program: str = "canada-program", **fields) -> dict:
    body = {
        "program": program,
        "province": "AF-KAN",
        "district": "Dand",
        "people": [
            {
                "relationship": "self",
                "given_name": "Ahmad Shah",
                "father_name": "Abdul Ghani",
                "native_name": "احمد شاه",
                "sex": "M",
                "birth_date": "1365/05/12",
                "tazkira_number": "1398-0101-00001111",
                "phone": "+93700111222",
                "email": "ahmad@example.org",
            },
            {"relationship": "spouse", "native_name": "مریم", "sex": "F", "birth_date": "1990"},
            {"relationship": "child", "given_name": "Zahra", "birth_date": "2015-04"},
        ],
        "employments": [
            {
                "employer": "Canada Armed Forces",
                "role": "interpreter",
                "start": "2008-03-01",
                "end": "2012-09-30",
                "badge_number": "CAF-004211",
                "supervisor": "Capt. Tremblay",
            }
        ],
    }
    body.update(fields)
    return body
