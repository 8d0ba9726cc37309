import re

import pytest
from django.test import Client

from evac.api import presenters
from evac.api.api import api
from evac.api.tests.conftest import url

pytestmark = pytest.mark.django_db


def test_the_openapi_document_is_served():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    schemes = document["components"]["securitySchemes"]
    assert {"BearerToken", "StaffSession"} <= set(schemes)
    assert schemes["BearerToken"]["scheme"] == "bearer"
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert {"401", "403", "404", "422"} <= set(operation["responses"]), (method, path)


def test_the_docs_page_lists_every_operation_and_loads_nothing_from_outside():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    for path, item in api.get_openapi_schema()["paths"].items():
        assert path in html
        for operation in item.values():
            assert f'id="{operation["operationId"]}"' in html
    # No CDN, no external script, style or image: only our own static files.
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_an_unknown_api_path_is_a_json_404():
    response = Client().get("/api/v1/orgs/canada/nothing-here/")
    assert response.status_code == 404
    assert response.json()["detail"] == "Not found."


def test_an_unexpected_failure_is_a_json_500_without_a_trace(api_for, officer, case, settings, monkeypatch):
    settings.DEBUG = True  # even then: a trace would show code and data to whoever holds a token

    def broken(application):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(presenters, "application", broken)
    response = api_for(officer).get(url("canada", case.reference))
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    assert "secret internals" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
