from django.core.exceptions import PermissionDenied
from django.http import Http404

from evac.accounts.access import get_membership
from evac.accounts.models import Membership, User
from evac.accounts.roles import Can
from evac.cases.models import Application
from evac.core import references


def get_case_for_user(
    user: User, org_slug: str, reference: str, capability: Can = Can.VIEW_CASES
) -> tuple[Membership, Application]:
    """The case with this reference in the user's organisation: 404 outside it, 403 without the right."""
    membership = get_membership(user, org_slug)
    if not references.is_valid(reference):
        raise Http404
    application = (
        Application.objects.select_related("program", "province", "assigned_officer", "organisation")
        .filter(organisation=membership.organisation, reference=references.normalise(reference))
        .first()
    )
    if application is None:
        raise Http404
    if not membership.can(capability):
        raise PermissionDenied
    return membership, application
