"""A user of one organisation must never see, change, or learn of another's cases, on any page.

The walk enumerates the URL configuration, so a page added later is covered without anyone remembering.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from evac.audit.models import AuditEvent
from evac.cases.models import Application


def org_patterns(resolver=None, prefix=""):
    """(name, needs_ref) for every named URL that takes an organisation slug."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{pattern.namespace}:" if pattern.namespace else prefix
            yield from org_patterns(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            full = str(pattern.pattern)
            yield f"{prefix}{pattern.name}", "<str:ref>" in full


def org_urls(org_slug: str, ref: str) -> list[str]:
    urls = []
    for name, needs_ref in org_patterns():
        kwargs = {"org": org_slug, "ref": ref} if needs_ref else {"org": org_slug}
        try:
            urls.append(reverse(name, kwargs=kwargs))
        except Exception:  # noqa: S112 - a pattern that takes no organisation
            continue
    return urls


@pytest.mark.django_db
def test_the_walk_finds_the_case_pages(case):
    urls = org_urls("canada", case.reference)
    assert any(u.endswith(f"/cases/{case.reference}/") for u in urls)
    assert any(u.endswith("/status/") for u in urls)
    assert len(urls) >= 8


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_outsider_gets_404_everywhere(client, case, outsider, method):
    client.force_login(outsider)
    status_before = case.status
    for url in org_urls("canada", case.reference):
        response = getattr(client, method)(url, {"target": "in_review", "reason": "x", "officer": "outsider"})
        # 405 answers a GET on a POST-only page before anything is looked up: it reveals nothing.
        assert response.status_code in (404, 405), (url, response.status_code)
        assert case.principal_name.encode() not in response.content
    case.refresh_from_db()
    assert case.status == status_before
    assert not AuditEvent.objects.filter(actor=outsider, target_ref=case.reference).exists()


@pytest.mark.django_db
def test_an_outsider_cannot_tell_a_real_reference_from_an_invented_one(client, case, outsider):
    client.force_login(outsider)
    real = client.get(reverse("cases:detail", kwargs={"org": "canada", "ref": case.reference}))
    invented = client.get(reverse("cases:detail", kwargs={"org": "canada", "ref": "222222222"}))
    assert real.status_code == invented.status_code == 404


@pytest.mark.django_db
def test_a_case_is_not_found_through_the_outsiders_own_organisation(client, case, outsider):
    client.force_login(outsider)
    response = client.get(reverse("cases:detail", kwargs={"org": "uk", "ref": case.reference}))
    assert response.status_code == 404
    listing = client.post(reverse("cases:list", kwargs={"org": "uk"}), {"q": case.reference})
    assert listing.status_code == 200
    assert case.principal_name not in listing.content.decode()


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_sign_in(client, case):
    for url in org_urls("canada", case.reference):
        response = client.get(url)
        if url.startswith("/api/"):
            # The API answers in JSON: 401, never a redirect to a sign-in page.
            assert response.status_code in (401, 405), url
            continue
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert reverse("accounts:sign_in") in response["Location"]


@pytest.mark.django_db
def test_roles_without_case_access_get_403_not_data(client, case, auditor, admin_user, agent):
    for user in (auditor, admin_user, agent):
        client.force_login(user)
        for name in ("cases:detail", "cases:edit"):
            response = client.get(reverse(name, kwargs={"org": "canada", "ref": case.reference}))
            assert response.status_code == 403, (user, name)
            assert case.principal_name.encode() not in response.content
        assert client.get(reverse("cases:list", kwargs={"org": "canada"})).status_code == 403


@pytest.mark.django_db
def test_read_only_roles_cannot_edit(client, case, verifier, planner):
    for user in (verifier, planner):
        client.force_login(user)
        assert (
            client.get(reverse("cases:detail", kwargs={"org": "canada", "ref": case.reference})).status_code
            == 200
        )
        assert (
            client.get(reverse("cases:edit", kwargs={"org": "canada", "ref": case.reference})).status_code
            == 403
        )
        assert client.get(reverse("cases:create", kwargs={"org": "canada"})).status_code == 403


@pytest.mark.django_db
def test_no_sequential_number_in_case_urls(case):
    url = reverse("cases:detail", kwargs={"org": "canada", "ref": case.reference})
    assert str(case.pk) not in url.split("/")
    assert Application.objects.get(reference=case.reference) == case
