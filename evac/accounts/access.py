"""Access helpers: the one place that answers "may this user see or change this?".

Anything outside the user's organisation is a 404, so that nobody can learn it exists; a member whose
role does not allow the action gets a 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from evac.accounts.models import Membership, User
from evac.accounts.roles import Can


def get_membership(user: User, org_slug: str, capability: Can | None = None) -> Membership:
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation__slug=org_slug)
        .first()
    )
    if membership is None:
        raise Http404
    if capability is not None and not membership.can(capability):
        raise PermissionDenied
    return membership


def require(membership: Membership, capability: Can) -> None:
    if not membership.can(capability):
        raise PermissionDenied
