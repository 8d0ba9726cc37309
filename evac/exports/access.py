"""Who may reach the exports: members granted the right to export whose role reads the cases."""

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from evac.accounts.access import get_membership
from evac.accounts.models import Membership, User
from evac.exports.models import ExportRequest


def get_exporter(user: User, org_slug: str) -> Membership:
    """The membership of a member who may export: 404 outside the organisation, 403 without the grant."""
    membership = get_membership(user, org_slug)
    if not membership.can_export():
        raise PermissionDenied
    return membership


def get_export_for_user(user: User, org_slug: str, public_id: uuid.UUID) -> tuple[Membership, ExportRequest]:
    """An export request of the user's organisation, for a member who may export (its requester, or a
    colleague who may approve it): 404 outside the organisation, 403 without the grant."""
    membership = get_membership(user, org_slug)
    export = (
        ExportRequest.objects.select_related("requested_by", "decided_by")
        .filter(organisation=membership.organisation, public_id=public_id)
        .first()
    )
    if export is None:
        raise Http404
    if not membership.can_export():
        raise PermissionDenied
    return membership, export
