"""The JSON API: one NinjaAPI, its authentication, its errors, and a router per noun."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from evac.api import errors
from evac.api.auth import BearerToken, StaffSession
from evac.api.docs import OperationList
from evac.api.routers import applications, flights, imports

DESCRIPTION = """\
evac's cases, for partner systems and scripts. Every call acts as a staff user, in the organisations
that user belongs to and with the same roles as on the pages; every read of a case is audited.

Authenticate with a personal token (`Authorization: Bearer evac_...`, created at /accounts/tokens/), or,
from a browser already signed in, with the session cookie and the `X-CSRFToken` header for writes.

Applications are named by their reference (`K7M-4QX-9P2`; hyphens and case do not matter), people by
their `public_id`. Errors are JSON: `{"detail": "...", "field": "..."}`; a 422 also lists every problem in
`errors`. Another organisation's application is a 404, exactly as if it did not exist.
"""


class EvacAPI(NinjaAPI):
    def create_response(
        self, request: HttpRequest, data, *, status=None, temporal_response=None
    ) -> HttpResponse:
        response = super().create_response(request, data, status=status, temporal_response=temporal_response)
        # Answers hold personal data: no browser, proxy or client cache may keep a copy.
        response["Cache-Control"] = "no-store, private, max-age=0"
        return response


api = EvacAPI(
    title="evac API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[BearerToken(), StaffSession()],
    docs=OperationList(),
)
errors.install(api, body_params={"payload"})

api.add_router("/orgs/{org}/applications", applications.router)
# Import upload and progress (the Imports page's service).
api.add_router("/orgs/{org}/imports", imports.router)
# Flights and the families placed on them (the flight board's services).
api.add_router("/orgs/{org}/flights", flights.router)
