"""The verifier's claim page: the claim beside its best roster candidates, confirm and reject, and who may."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from evac.accounts.roles import Role
from evac.audit.models import AuditEvent
from evac.cases.models import Employment
from evac.conftest import make_case, make_user
from evac.rosters import services
from evac.rosters.models import RosterEntry

from .conftest import load, roster_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(forces):
    load(roster_file(), forces)
    return forces


@pytest.fixture
def claim(case, roster):
    """The conftest family's claim: Mohammad Wali Ahmadzai, son of Gul Ahmad, interpreter, born 1986."""
    return case.employments.get()


def url(claim) -> str:
    return reverse("rosters:claim", kwargs={"org": "canada", "claim_id": claim.public_id})


def entry(badge: str) -> RosterEntry:
    return RosterEntry.objects.get(badge_number=badge)


def test_the_verifier_sees_the_claim_beside_its_best_candidates(client, verifier, claim):
    client.force_login(verifier)
    queue = client.get(reverse("ranking:claims", kwargs={"org": "canada"})).content.decode()
    assert url(claim) in queue
    page = client.get(url(claim))
    assert page.status_code == 200
    html = page.content.decode()
    # The claimant first, then his brother (same father, same family name), each field compared.
    assert html.index("CAF-004211") < html.index("CAF-004212")
    assert "Confirm with this entry" in html and html.count('name="decision" value="confirm"') == 1
    assert "agrees after spelling folding" in html or "same name" in html
    assert "tone-differs" in html and "tone-agrees" in html
    assert str(entry("CAF-004211").public_id) in html
    event = AuditEvent.objects.get(action="employment.view")
    assert event.actor == verifier and event.target_ref == claim.application.reference
    assert str(entry("CAF-004211").public_id) in event.detail["entries"]


def test_confirming_a_credible_entry_verifies_the_claim_and_reranks_the_case(client, verifier, claim, case):
    before = case.priority
    client.force_login(verifier)
    response = client.post(
        url(claim),
        {"decision": "confirm", "entry": str(entry("CAF-004211").public_id), "expected": "unverified"},
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "ranking:claims", kwargs={"org": "canada"}
    )
    claim.refresh_from_db()
    assert claim.verification == "verified" and claim.roster_entry == entry("CAF-004211")
    assert claim.verified_by == verifier and claim.match_probability >= services.CREDIBLE
    case.refresh_from_db()
    assert case.priority > before
    assert any(term["term"] == "verified_employment" for term in case.priority_explanation)
    event = AuditEvent.objects.get(action="employment.verify")
    assert event.detail["entry"] == str(entry("CAF-004211").public_id) and event.ip == "127.0.0.1"
    # The case page says against which entry.
    client.force_login(make_user(case.organisation, Role.CASE_OFFICER))
    page = client.get(
        reverse("cases:detail", kwargs={"org": "canada", "ref": case.reference})
    ).content.decode()
    assert "roster entry CAF-004211" in page


def test_confirming_an_entry_below_the_threshold_is_refused_and_says_so(client, verifier, claim):
    client.force_login(verifier)
    brother = entry("CAF-004212")
    response = client.post(
        url(claim), {"decision": "confirm", "entry": str(brother.public_id), "expected": "unverified"}
    )
    assert response.status_code == 422
    assert "below the 90% a confirmation needs" in response.content.decode()
    claim.refresh_from_db()
    assert claim.verification == "unverified" and claim.roster_entry is None
    assert not AuditEvent.objects.filter(action="employment.verify").exists()


def test_an_entry_of_another_employer_or_organisation_cannot_confirm(client, verifier, claim, uk):
    other = make_case(uk)
    load(roster_file(), uk.employers.get())
    foreign = RosterEntry.objects.get(employer__organisation=uk, badge_number="CAF-004211")
    client.force_login(verifier)
    response = client.post(
        url(claim), {"decision": "confirm", "entry": str(foreign.public_id), "expected": "unverified"}
    )
    assert response.status_code == 422
    assert "not on the roster of the claim" in response.content.decode()
    claim.refresh_from_db()
    assert claim.verification == "unverified"
    assert other.employments.get().verification == "unverified"


def test_a_claimed_badge_under_another_name_is_shown_as_suspicious_and_cannot_confirm(
    client, verifier, case, roster
):
    claim = case.employments.get()
    Employment.objects.filter(pk=claim.pk).update(badge_number="CAF-010001")  # Zarghuna's badge
    client.force_login(verifier)
    html = client.get(url(claim)).content.decode()
    assert "a colleague&#x27;s number on a borrowed or forged letter" in html
    assert "Same badge number, another person's name: cannot confirm." in html
    zarghuna = entry("CAF-010001")
    response = client.post(
        url(claim), {"decision": "confirm", "entry": str(zarghuna.public_id), "expected": "unverified"}
    )
    assert response.status_code == 422 and "another person" in response.content.decode()
    claim.refresh_from_db()
    assert claim.verification == "unverified"


def test_rejecting_needs_a_reason_and_records_it(client, verifier, claim):
    client.force_login(verifier)
    response = client.post(url(claim), {"decision": "reject", "reason": " ", "expected": "unverified"})
    assert response.status_code == 422 and "Give a reason" in response.content.decode()
    response = client.post(
        url(claim),
        {
            "decision": "reject",
            "reason": "The employer says the letter is not theirs.",
            "expected": "unverified",
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.verification == "rejected" and claim.verification_reason.startswith("The employer")
    event = AuditEvent.objects.get(action="employment.reject")
    assert "employer" not in str(event.detail)  # the reason stays on the claim, out of the log


def test_a_decision_taken_meanwhile_wins_over_a_stale_page(client, verifier, claim):
    client.force_login(verifier)
    client.post(url(claim), {"decision": "reject", "reason": "No such person.", "expected": "unverified"})
    response = client.post(
        url(claim),
        {"decision": "confirm", "entry": str(entry("CAF-004211").public_id), "expected": "unverified"},
    )
    assert response.status_code == 302 and response["Location"] == url(claim)
    claim.refresh_from_db()
    assert claim.verification == "rejected"
    # Decided again, from the page as it is now.
    client.post(
        url(claim),
        {"decision": "confirm", "entry": str(entry("CAF-004211").public_id), "expected": "rejected"},
    )
    claim.refresh_from_db()
    assert claim.verification == "verified" and claim.verification_reason == ""


def test_a_claim_with_no_roster_entry_says_the_roster_does_not_back_it(client, verifier, case, forces):
    client.force_login(verifier)
    html = client.get(url(case.employments.get())).content.decode()
    assert "The roster does not back this claim" in html and "Confirm with this entry" not in html


def test_a_claim_of_an_unknown_employer_has_no_roster(client, verifier, canada):
    case = make_case(canada)
    claim = case.employments.get()
    Employment.objects.filter(pk=claim.pk).update(employer=None, employer_name="Somewhere Ltd")
    client.force_login(verifier)
    html = client.get(url(claim)).content.decode()
    assert "there is no roster to check the claim against" in html


@pytest.mark.parametrize("role", [Role.CASE_OFFICER, Role.INTAKE_CLERK, Role.ORG_ADMIN, Role.AUDITOR])
def test_only_verifiers_see_or_decide_claims(client, canada, claim, role):
    client.force_login(make_user(canada, role))
    assert client.get(url(claim)).status_code == 403
    response = client.post(url(claim), {"decision": "reject", "reason": "x", "expected": "unverified"})
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.verification == "unverified"


def test_outsiders_get_404(client, outsider, claim):
    client.force_login(outsider)
    assert client.get(url(claim)).status_code == 404
    assert (
        client.get(reverse("rosters:claim", kwargs={"org": "uk", "claim_id": claim.public_id})).status_code
        == 404
    )


def test_editing_a_verified_claim_reopens_it(verifier, officer, claim, case):
    membership = verifier.memberships.get()
    services.confirm_claim(claim, str(entry("CAF-004211").public_id), membership=membership)
    claim.refresh_from_db()
    assert claim.verification == "verified"
    from evac.cases.services import update_application

    claim.badge_number = "CAF-999999"
    update_application(case, changed_fields=[], saved_employments=[claim], actor=officer)
    claim.refresh_from_db()
    assert claim.verification == "unverified" and claim.roster_entry is None and claim.verified_by is None
    event = AuditEvent.objects.filter(action="case.update").latest("id")
    assert event.detail["verifications_reopened"] == 1


def test_the_service_refuses_a_verifier_of_another_organisation(claim, uk):
    foreign = make_user(uk, Role.VERIFIER).memberships.get()
    with pytest.raises(PermissionDenied):
        services.confirm_claim(claim, str(entry("CAF-004211").public_id), membership=foreign)
    claim.refresh_from_db()
    assert claim.verification == "unverified"
