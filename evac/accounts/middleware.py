"""The one place that decides whether a signed-in session may use the staff pages.

A password alone signs a user in but does not verify the session. Until a second factor has verified it,
every staff page sends the user to the step they still owe: setting up an authenticator (no second factor
yet), the second step (one exists), and, for org admins, a security key (registering one, or using it).
Only the pages of those steps, signing out, the applicants' public pages, static files, the language switch
and the health check are open meanwhile. The API authenticates by token; a session that is not verified
counts there as no session at all.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from evac.accounts import services
from evac.accounts.models import SecurityKey, User

SETUP = "accounts:two_factor_setup"
SECOND_STEP = "accounts:two_factor"
REGISTER_KEY = "accounts:security_key_required"

# The views each step may use, besides the ones always open.
STEP_VIEWS = {
    SETUP: {SETUP},
    SECOND_STEP: {SECOND_STEP, "accounts:key_sign_in_options", "accounts:key_sign_in"},
    REGISTER_KEY: {REGISTER_KEY, "accounts:key_register_options", "accounts:key_register"},
}
ALWAYS_OPEN_VIEWS = {"accounts:sign_in", "accounts:sign_out", "set_language", "healthz"}
OPEN_PREFIXES = ("/apply/", "/static/", "/i18n/")


def required_step(user: User) -> str | None:
    """The step this signed-in user still owes before the staff pages, or None."""
    if not settings.EVAC_REQUIRE_2FA:
        return None
    device = getattr(user, "otp_device", None)
    if device is None:
        return SECOND_STEP if services.has_second_factor(user) else SETUP
    if isinstance(device, SecurityKey) or not services.is_org_admin(user):
        return None
    # An org admin verified otherwise: an authenticator code is not enough once they have a key, and a
    # recovery code (a lost key) or having no key yet leads to registering one.
    if isinstance(device, TOTPDevice) and services.has_security_key(user):
        return SECOND_STEP
    return REGISTER_KEY


def api_path(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.EVAC_REQUIRE_2FA and api_path(request) and "Authorization" not in request.headers:
            user = request.user
            if user.is_authenticated and required_step(user) is not None:
                request.user = AnonymousUser()
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        if not settings.EVAC_REQUIRE_2FA or api_path(request) or request.path_info.startswith(OPEN_PREFIXES):
            return None
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        if view_name in ALWAYS_OPEN_VIEWS or not request.user.is_authenticated:
            return None
        step = required_step(request.user)
        if step is None or view_name in STEP_VIEWS[step]:
            return None
        url = reverse(step)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return redirect(url)
