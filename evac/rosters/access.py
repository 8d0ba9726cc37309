import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from evac.accounts.access import get_membership
from evac.accounts.models import Membership, User
from evac.accounts.roles import Can
from evac.cases.models import Employment
from evac.rosters.models import RosterImport


def get_roster_import_for_user(
    user: User, org_slug: str, public_id: uuid.UUID
) -> tuple[Membership, RosterImport]:
    """The roster import in the user's organisation: 404 outside it, 403 without the right to load rosters."""
    membership = get_membership(user, org_slug)
    job = (
        RosterImport.objects.select_related("employer", "uploaded_by")
        .defer("content")
        .filter(organisation=membership.organisation, public_id=public_id)
        .first()
    )
    if job is None:
        raise Http404
    if not membership.can(Can.MANAGE_ROSTERS):
        raise PermissionDenied
    return membership, job


def get_claim_for_user(user: User, org_slug: str, public_id: uuid.UUID) -> tuple[Membership, Employment]:
    """A claimed employment of one of the organisation's cases: 404 outside it, 403 to a member who may not
    verify employment."""
    membership = get_membership(user, org_slug)
    claim = (
        Employment.objects.select_related(
            "application", "application__program", "employer", "roster_entry", "verified_by"
        )
        .defer("application__address")
        .filter(application__organisation=membership.organisation, public_id=public_id)
        .first()
    )
    if claim is None:
        raise Http404
    if not membership.can(Can.VERIFY_EMPLOYMENT):
        raise PermissionDenied
    return membership, claim
