"""Lockout after repeated failures (django-axes), for both steps of the sign-in.

django-axes counts failed passwords itself (its backend refuses a locked username before the password is
read). The second step has no password form for it to watch, so a wrong code or a bad security-key
signature is reported here as the same failure, against the same username: five failures of either kind
lock the username for an hour, which bounds guessing codes as much as guessing passwords.
"""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.utils import reset
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from evac.accounts.models import User
from evac.audit.services import Origin


def client_ip(request: HttpRequest) -> str | None:
    """The address django-axes records: REMOTE_ADDR, as in the audit log."""
    return Origin.from_request(request).ip


def _credentials(user: User) -> dict:
    return {settings.AXES_USERNAME_FORM_FIELD: user.get_username()}


def is_locked(request: HttpRequest, user: User) -> bool:
    return not AxesProxyHandler.is_allowed(request, _credentials(user))


def record_second_step_failure(request: HttpRequest, user: User) -> bool:
    """Count one failed second factor. True when this failure locked the username."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    return bool(getattr(request, "axes_locked_out", False))


def just_locked(request: HttpRequest) -> bool:
    """True when this request's failure is the one that reached the limit (not a refusal while locked)."""
    return bool(getattr(request, "axes_locked_out", False)) and (
        getattr(request, "axes_failures_since_start", None) is not None
    )


def clear(user: User) -> None:
    """Both factors are through: the failures before them no longer count."""
    reset(username=user.get_username())


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page for a locked username. The same words whether or not the username exists, and whether the
    password was right: a lockout must not confirm either."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 60
    return render(request, "accounts/locked_out.html", {"minutes": minutes}, status=429)
