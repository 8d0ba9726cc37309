import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404

from evac.accounts.access import get_membership
from evac.accounts.models import Membership, User
from evac.accounts.roles import Can
from evac.imports.models import ImportJob


def get_job_for_user(
    user: User, org_slug: str, public_id: uuid.UUID, capability: Can = Can.CREATE_CASES
) -> tuple[Membership, ImportJob]:
    """The import job in the user's organisation: 404 outside it, 403 without the right to import."""
    membership = get_membership(user, org_slug)
    job = (
        ImportJob.objects.select_related("program", "uploaded_by")
        .defer("content")
        .filter(organisation=membership.organisation, public_id=public_id)
        .first()
    )
    if job is None:
        raise Http404
    if not membership.can(capability):
        raise PermissionDenied
    return membership, job
