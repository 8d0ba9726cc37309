import pytest

from evac.api.tests.conftest import url
from evac.audit.models import AuditEvent
from evac.cases.models import Application
from evac.conftest import make_case

pytestmark = pytest.mark.django_db


def test_a_case_is_read_by_its_reference_in_any_form(api_for, officer, case):
    client = api_for(officer)
    for written in (
        case.reference,
        case.display_reference,
        case.display_reference.lower(),
        case.reference.lower(),
    ):
        response = client.get(url("canada", written))
        assert response.status_code == 200, written
        body = response.json()
        assert (body["reference"], body["reference_raw"]) == (case.display_reference, case.reference)
    assert body["family_size"] == 4
    assert body["principal_name"] == "Mohammad Wali Ahmadzai"
    assert {p["public_id"] for p in body["people"]} == {str(p.public_id) for p in case.people.all()}
    assert "id" not in body and all("id" not in p for p in body["people"])
    assert response["Cache-Control"].startswith("no-store")


def test_every_read_is_audited_as_an_api_view(api_for, officer, case):
    api_for(officer).get(url("canada", case.display_reference), REMOTE_ADDR="192.0.2.7")
    event = AuditEvent.objects.get(action="case.view")
    assert (event.actor, event.target_ref, event.ip) == (officer, case.reference, "192.0.2.7")
    assert event.detail["channel"] == "api"


@pytest.mark.parametrize("reference", ["K7M-4QX-9P3", "nope", "0" * 9, "🙂", "K7M4QX9P2" * 50])
def test_a_reference_that_is_not_a_case_is_404(api_for, officer, case, reference):
    response = api_for(officer).get(url("canada", reference))
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "field": None}


def test_roles_that_do_not_read_cases_get_403(api_for, auditor, admin_user, case):
    for user in (auditor, admin_user):
        client = api_for(user)
        assert client.get(url("canada", case.reference)).status_code == 403
        assert client.get(url("canada")).status_code == 403
    assert not AuditEvent.objects.filter(action__in=["case.view", "case.list"]).exists()


def test_the_list_pages_with_a_total(api_for, officer, canada):
    for i in range(5):
        make_case(canada, actor=officer, given_name=f"Person{i}", priority=i)
    client = api_for(officer)
    first = client.get(url("canada"), {"limit": 2}).json()
    assert (first["total"], first["limit"], first["offset"], len(first["items"])) == (5, 2, 0, 2)
    assert [item["priority"] for item in first["items"]] == [4, 3]
    by_offset = client.get(url("canada"), {"limit": 2, "offset": 2}).json()
    by_page = client.get(url("canada"), {"limit": 2, "page": 2}).json()
    assert by_offset == by_page
    assert [item["priority"] for item in by_page["items"]] == [2, 1]
    assert client.get(url("canada"), {"limit": 2, "page": 9}).json()["items"] == []


def test_the_list_filters_like_the_case_list(api_for, officer, canada):
    kandahar = make_case(canada, actor=officer, province="AF-KAN", role="interpreter")
    herat = make_case(
        canada,
        actor=officer,
        province="AF-HER",
        role="cook",
        given_name="Gul",
        native_name="گل",
        family_name="",
    )
    Application.objects.filter(pk=herat.pk).update(status="in_review")
    client = api_for(officer)

    def refs(**query):
        if "q" in query:
            response = client.post_json(url("canada", action=None) + "/search", query)
        else:
            response = client.get(url("canada"), query)
        assert response.status_code == 200, response.json()
        return {item["reference_raw"] for item in response.json()["items"]}

    assert refs() == {kandahar.reference, herat.reference}
    assert refs(status="in_review") == {herat.reference}
    assert refs(province="af-kan") == {kandahar.reference}
    assert refs(role="cook") == {herat.reference}
    assert refs(program="canada-program") == {kandahar.reference, herat.reference}
    assert refs(q="ahmadzai") == {kandahar.reference}
    # Names meet across spellings and scripts: گل is also the Gul Ahmad who is Kandahar's father.
    assert refs(q="گل") == {kandahar.reference, herat.reference}
    assert refs(q="Mohamed Ouali") == {kandahar.reference}
    assert refs(q=herat.display_reference.lower()) == {herat.reference}
    assert refs(sort="oldest", limit=1) == {kandahar.reference}
    assert refs(sort="newest", limit=1) == {herat.reference}


def test_a_list_is_audited_with_what_it_showed(api_for, officer, case):
    api_for(officer).post_json(url("canada") + "/search", {"q": "Ahmadzai", "limit": 10})
    event = AuditEvent.objects.get(action="case.list")
    assert event.detail["shown"] == [case.reference]
    assert event.detail["query"] == {"q": "Ahmadzai", "limit": "10"}
    assert event.detail["channel"] == "api"


def test_a_name_in_the_query_string_is_not_searched(api_for, officer, case):
    # Names travel in the body of searchApplications only; in a URL they would end in access logs.
    response = api_for(officer).get(url("canada"), {"q": "nobody-with-this-name"})
    assert response.status_code == 200 and len(response.json()["items"]) == 1


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 10**30}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 10**30}, "offset"),
        ({"page": "two"}, "page"),
        ({"page": 2, "offset": 5}, "page"),
        ({"status": "lost"}, "status"),
        ({"sort": "random"}, "sort"),
        ({"program": "no-such-program"}, "program"),
        ({"program": "bad slug!"}, "program"),
        ({"province": "AF-ZZZ"}, "province"),
        ({"role": "pilot"}, "role"),
    ],
)
def test_bad_filters_name_the_field(api_for, officer, case, query, field):
    response = api_for(officer).get(url("canada"), query)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_the_list_reads_a_fixed_number_of_queries(api_for, officer, canada, django_assert_max_num_queries):
    for _ in range(6):
        make_case(canada, actor=officer)
    client = api_for(officer)
    client.get(url("canada"))  # the token's last_used_at is written once, outside the count
    with django_assert_max_num_queries(12):
        response = client.get(url("canada"), {"limit": 50})
    assert len(response.json()["items"]) == 6


@pytest.mark.parametrize(
    ("body", "field"), [({"q": "x" * 101}, "q"), ({"q": "a\x00b"}, "q"), ({"limit": 0}, "limit")]
)
def test_a_bad_search_names_the_field(api_for, officer, case, body, field):
    response = api_for(officer).post_json(url("canada") + "/search", body)
    assert response.status_code == 422
    assert response.json()["field"] == field
