"""Who is calling: a personal token (Authorization: Bearer ...) or a signed-in staff session.

Both resolve to a User, set as request.auth; what the user may do is then decided by the same access
helpers as the pages (evac.accounts.access, evac.cases.access).
"""

import re

from django.conf import settings
from django.http import Http404, HttpRequest
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from evac.accounts.models import Membership, User
from evac.api.services import user_for_token

ORG_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,50}")


def require_path_organisation(request: HttpRequest, user: User) -> None:
    """404 for a path under /orgs/{org}/ of an organisation the user is not a member of.

    Authentication runs before ninja reads the body, so checking here means an outsider learns nothing
    from us about another organisation's URLs, not even whether a body would have been valid there. The
    endpoints still check membership and role through the access helpers; this only answers earlier.
    """
    match = getattr(request, "resolver_match", None)
    org = match.kwargs.get("org") if match is not None else None
    if org is None:
        return
    if (
        not ORG_SLUG.fullmatch(org)
        or not Membership.objects.filter(user=user, organisation__slug=org).exists()
    ):
        raise Http404


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = user_for_token(token.strip())
        if found is None:
            return None
        user, api_token = found
        request.api_token = api_token  # type: ignore[attr-defined]
        require_path_organisation(request, user)
        return user


class StaffSession(APIKeyCookie):
    """A staff member signed in to the pages, calling the API from the browser.

    Cookies ride along with any cross-site request, so unsafe methods must carry the CSRF token
    (X-CSRFToken header), exactly as a form would. A request that presents an Authorization header is
    judged by that header alone: a bad token must answer 401 even from a browser that is signed in.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> User | None:
        if "Authorization" in request.headers:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        # Checked only once we know the session is what authenticates: without a session there is
        # nothing to forge, and the answer is 401, not a CSRF failure.
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header with the csrftoken cookie.")
        require_path_organisation(request, user)
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:  # pragma: no cover
        # Not used: __call__ above decides, in an order that does not run the CSRF check for nothing.
        return None
