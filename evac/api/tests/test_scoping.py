"""Another organisation's applications do not exist, whatever the operation. The operations are read from
the OpenAPI document, so an operation added later is covered without touching this file."""

import pytest

from evac.api.api import api
from evac.api.tests.conftest import BASE
from evac.audit.models import AuditEvent
from evac.cases.models import Application
from evac.conftest import make_case
from evac.core import references

DOCUMENT = api.get_openapi_schema()
METHODS = ("get", "post", "put", "patch", "delete")
ORG_OPERATIONS = [
    (method, path)
    for path, item in DOCUMENT["paths"].items()
    for method in METHODS
    if method in item and "{org}" in path
]
CASE_OPERATIONS = [(method, path) for method, path in ORG_OPERATIONS if "{reference}" in path]


def example_body(method: str, path: str):
    """A valid body for the operation, from the example its schema documents: without one, the request
    would fail validation (422) before reaching the access check this file is about."""
    operation = DOCUMENT["paths"][path][method]
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    name = content["schema"]["$ref"].rsplit("/", 1)[-1]
    examples = DOCUMENT["components"]["schemas"][name].get("examples")
    assert examples, f"{name} needs an example in its model_config (json_schema_extra) for this test"
    return examples[0]


def call(client, method: str, path: str, org: str, reference: str | None = None):
    target = path.replace("{org}", org)
    if reference is not None:
        target = target.replace("{reference}", reference)
    body = example_body(method, path)
    if body is None:
        return client.generic(method.upper(), target)
    return client.post_json(target, body) if method == "post" else client.generic(method.upper(), target)


def test_the_document_has_the_operations_this_file_checks():
    assert all(path.startswith(BASE) for _method, path in ORG_OPERATIONS)
    assert {("get", f"{BASE}/{{org}}/applications/{{reference}}")} <= set(CASE_OPERATIONS)
    assert len(CASE_OPERATIONS) >= 3


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), CASE_OPERATIONS)
def test_an_outsider_gets_404_for_another_organisations_case(api_for, outsider, case, method, path):
    client = api_for(outsider)
    unknown = references.new_reference()
    answers = [
        call(client, method, path, "canada", case.reference),  # their organisation, named
        call(client, method, path, "uk", case.reference),  # the outsider's own organisation
        call(client, method, path, "uk", case.display_reference.lower()),
        call(client, method, path, "uk", unknown),  # a case that exists nowhere
    ]
    assert [a.status_code for a in answers] == [404] * 4
    # Exactly the same answer as for a case that does not exist: nothing to tell the two apart.
    assert len({a.content for a in answers}) == 1
    unchanged = Application.objects.get(pk=case.pk)
    assert (unchanged.status, unchanged.assigned_officer_id) == (case.status, case.assigned_officer_id)
    assert not AuditEvent.objects.filter(actor=outsider, target_ref=case.reference).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), CASE_OPERATIONS)
def test_a_member_gets_404_for_a_case_of_another_org_named_under_their_own(
    api_for, officer, uk, method, path
):
    theirs = make_case(uk)
    assert call(api_for(officer), method, path, "canada", theirs.reference).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), [op for op in ORG_OPERATIONS if op not in CASE_OPERATIONS])
def test_an_outsider_gets_404_for_another_organisations_collections(api_for, outsider, case, method, path):
    for org in ("canada", "no-such-org", "bad%20slug"):
        assert call(api_for(outsider), method, path, org).status_code == 404, org
    assert Application.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), ORG_OPERATIONS)
def test_an_outsider_gets_404_before_the_body_is_even_read(api_for, outsider, case, method, path):
    target = path.replace("{org}", "canada").replace("{reference}", case.reference)
    client = api_for(outsider)
    for body in ("{not json", '{"status": 12}', "a=b&c=d"):
        response = client.generic(method.upper(), target, body, content_type="application/json")
        assert response.status_code == 404, (body, response.content)
