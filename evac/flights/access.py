"""Who may reach a flight, a run and a manifest: 404 outside the organisation, 403 for a role that may not."""

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from evac.accounts.access import get_membership
from evac.accounts.models import Membership, User
from evac.accounts.roles import Can
from evac.flights.models import AllocationRun, Flight


def get_flight_for_user(
    user: User, org_slug: str, public_id: uuid.UUID, capability: Can = Can.VIEW_FLIGHTS
) -> tuple[Membership, Flight]:
    membership = get_membership(user, org_slug)
    flight = Flight.objects.filter(organisation=membership.organisation, public_id=public_id).first()
    if flight is None:
        raise Http404
    if not membership.can(capability):
        raise PermissionDenied
    return membership, flight


def get_run_for_user(user: User, org_slug: str, public_id: uuid.UUID) -> tuple[Membership, AllocationRun]:
    membership = get_membership(user, org_slug)
    run = (
        AllocationRun.objects.select_related("requested_by")
        .filter(organisation=membership.organisation, public_id=public_id)
        .first()
    )
    if run is None:
        raise Http404
    if not membership.can(Can.VIEW_FLIGHTS):
        raise PermissionDenied
    return membership, run


def may_take_manifests(membership: Membership) -> bool:
    """A manifest takes a whole flight's personal data out of evac: the planner who publishes it, and only
    with the organisation's grant to export (Membership.may_export)."""
    return membership.can_export() and membership.can(Can.SCHEDULE)


def get_manifest_for_user(user: User, org_slug: str, public_id: uuid.UUID) -> tuple[Membership, Flight]:
    membership, flight = get_flight_for_user(user, org_slug, public_id)
    if not may_take_manifests(membership):
        raise PermissionDenied
    return membership, flight
