import json
from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import DEVICE_ID_SESSION_KEY

from evac.accounts import lockout, security_keys, services
from evac.accounts.access import get_membership
from evac.accounts.forms import AddMemberForm, ChangeRoleForm
from evac.accounts.models import SecurityKey, User
from evac.accounts.roles import Can, Role
from evac.accounts.services import record_sign_in, record_sign_in_failure, record_sign_out
from evac.audit.services import Origin, record_event


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        # A password starts an unverified session, even in a browser that had verified one before.
        self.request.session.pop(DEVICE_ID_SESSION_KEY, None)
        response = super().form_valid(form)
        # A browser that applied through the public form carries a 7-day session: staff get the short one.
        self.request.session.set_expiry(None)
        record_sign_in(form.get_user(), origin=Origin.from_request(self.request))
        return response

    def form_invalid(self, form):
        username = (self.request.POST.get("username") or "")[:150]
        origin = Origin.from_request(self.request)
        if username:
            record_sign_in_failure(username, origin=origin)
            if lockout.just_locked(self.request):
                services.record_lockout(username, origin=origin)
        # A locked username gets the lockout page from django-axes' middleware instead of this one.
        return super().form_invalid(form)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record_sign_out(request.user, origin=Origin.from_request(request))
    logout(request)
    return redirect("accounts:sign_in")


@login_required
def organisations(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("organisation").order_by("organisation__name")
    if len(memberships) == 1:
        return redirect("dashboard", org=memberships[0].organisation.slug)
    return render(request, "accounts/organisations.html", {"memberships": memberships})


@login_required
def members(request: HttpRequest, org: str) -> HttpResponse:
    """The org admin's page: who works here, with which role."""
    membership = get_membership(request.user, org, Can.MANAGE_MEMBERS)
    organisation = membership.organisation
    origin = Origin.from_request(request)
    form = AddMemberForm()
    new_password = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            form = AddMemberForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                with transaction.atomic():
                    user = User.objects.filter(username=data["username"]).first()
                    if user is None:
                        user, new_password = services.create_staff_user(
                            data["username"], data["display_name"]
                        )
                    services.add_member(organisation, user, data["role"], actor=request.user, origin=origin)
                messages.success(request, _("{user} added.").format(user=user.get_username()))
                if new_password is None:
                    return redirect("members", org=org)
                form = AddMemberForm()
        elif action == "export":
            target = User.objects.filter(
                username=request.POST.get("username", ""), memberships__organisation=organisation
            ).first()
            if target is None:
                raise Http404
            allowed = request.POST.get("may_export") == "1"
            try:
                services.set_may_export(organisation, target, allowed, actor=request.user, origin=origin)
            except services.CannotExport:
                messages.error(request, _("This member's role does not read case files, so cannot export."))
            else:
                message = _("{user} may now export.") if allowed else _("{user} may no longer export.")
                messages.success(request, message.format(user=target.get_username()))
            return redirect("members", org=org)
        elif action in ("change", "remove"):
            change = ChangeRoleForm(request.POST)
            target = User.objects.filter(
                username=request.POST.get("username", ""), memberships__organisation=organisation
            ).first()
            if target is None:
                raise Http404
            try:
                if action == "remove":
                    services.remove_member(organisation, target, actor=request.user, origin=origin)
                elif change.is_valid():
                    services.change_member_role(
                        organisation, target, change.cleaned_data["role"], actor=request.user, origin=origin
                    )
            except services.LastAdmin:
                messages.error(request, _("The organisation would be left without an admin."))
            return redirect("members", org=org)
    return render(
        request,
        "accounts/members.html",
        {
            "membership": membership,
            "memberships": organisation.memberships.select_related("user").order_by("user__username"),
            "form": form,
            "new_password": new_password,
            "roles": Role.choices,
        },
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:organisations")

    def form_valid(self, form):
        response = super().form_valid(form)
        record_event(
            "auth.password_change", actor=self.request.user, origin=Origin.from_request(self.request)
        )
        messages.success(self.request, _("Password changed."))
        return response


# The second factor: setting it up, using it, managing it. The middleware (evac/accounts/middleware.py)
# decides who must go where; these views only do their step.


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _locked(request: HttpRequest, user: User) -> HttpResponse:
    # The half-open session ends with the lockout: the password must be typed again after it.
    logout(request)
    return lockout.lockout_response(request)


def _second_step_failed(request: HttpRequest, user: User, method: str) -> bool:
    """Count and audit one failed second factor; True when it locked the username."""
    locked = lockout.record_second_step_failure(request, user)
    services.record_second_step_failure(
        user, method=method, locked=lockout.just_locked(request), origin=Origin.from_request(request)
    )
    return locked


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the authenticator app, a recovery code, or a key."""
    user = request.user
    is_admin = services.is_org_admin(user)
    has_key = services.has_security_key(user)
    # An org admin with a key must use it; the authenticator app no longer counts for them.
    allow_totp = not (is_admin and has_key)
    error = None
    if request.method == "POST":
        if lockout.is_locked(request, user):
            return _locked(request, user)
        device = services.check_code(
            user, request.POST.get("code", ""), allow_totp=allow_totp, origin=Origin.from_request(request)
        )
        if device is not None:
            services.complete_second_step(request, user, device)
            return redirect(_next_url(request))
        if _second_step_failed(request, user, "code"):
            return _locked(request, user)
        error = _("That code is not right, or has been used already. Try again.")
    return render(
        request,
        "accounts/two_factor.html",
        {
            "allow_totp": allow_totp,
            "has_key": has_key,
            "is_admin": is_admin,
            "next": _next_url(request),
            "error": error,
        },
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), confirm with a code from it."""
    user = request.user
    device = services.pending_totp_device(user)
    error = None
    if request.method == "POST":
        codes = services.confirm_totp_device(
            user, device, request.POST.get("code", ""), origin=Origin.from_request(request)
        )
        if codes is not None:
            device.refresh_from_db()
            current = request.user.otp_device
            if current is None:
                services.complete_second_step(request, user, device)
            elif not isinstance(current, SecurityKey):
                # The device that verified this session (the old app, or a recovery code) is gone.
                django_otp.login(request, device)
            return _show_recovery_codes(request, codes, _next_url(request))
        error = _("That code is not right. Check the time on your phone, and type the newest code.")
    title = _("QR code to scan with your authenticator app")
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, border=4, title=title)
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "qr": mark_safe(qr),  # noqa: S308  # nosemgrep: evac-mark-safe - segno's own markup; the title is ours and escaped by it
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "replacing": services.has_second_factor(user),
            "next": _next_url(request),
            "error": error,
        },
    )


def _show_recovery_codes(request: HttpRequest, codes: list[str], next_url: str) -> HttpResponse:
    # Shown in this response only: never stored anywhere the user could come back to.
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": [f"{code[:4]} {code[4:]}" for code in codes], "next": next_url},
    )


@login_required
def security(request: HttpRequest) -> HttpResponse:
    """The user's own sign-in settings: authenticator, recovery codes, security keys, sessions."""
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "keys": user.securitykey_set.filter(confirmed=True).order_by("created_at"),
            "codes_left": services.recovery_codes_left(user),
            "has_totp": services.TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "is_admin": services.is_org_admin(user),
        },
    )


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = services.new_recovery_codes(request.user, origin=Origin.from_request(request))
    return _show_recovery_codes(request, codes, reverse("accounts:security"))


@login_required
@require_POST
def security_key_remove(request: HttpRequest) -> HttpResponse:
    key_id = request.POST.get("key", "")
    key = request.user.securitykey_set.filter(pk=key_id).first() if key_id.isdigit() else None
    if key is None:
        return redirect("accounts:security")
    try:
        services.remove_security_key(request.user, key, origin=Origin.from_request(request))
        messages.success(request, _("Security key removed."))
    except services.LastSecurityKey:
        messages.error(request, _("Organisation admins must keep a security key: add another one first."))
    return redirect("accounts:security")


@login_required
def security_key_required(request: HttpRequest) -> HttpResponse:
    """Org admins must have a security key: the page they are sent to until they have registered one."""
    return render(request, "accounts/security_key_required.html", {"next": _next_url(request)})


def _json_body(request: HttpRequest) -> dict:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


@login_required
@require_POST
def key_register_options(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        security_keys.registration_options(request, request.user), content_type="application/json"
    )


@login_required
@require_POST
def key_register(request: HttpRequest) -> JsonResponse:
    body = _json_body(request)
    try:
        key = security_keys.register(request, request.user, body.get("credential"), str(body.get("name", "")))
    except security_keys.KeyRejected:
        return JsonResponse({"ok": False, "error": _("The key was not registered. Try again.")}, status=400)
    # Registering proved the key is at hand: the session now counts as verified by it.
    django_otp.login(request, key)
    messages.success(request, _("Security key added."))
    return JsonResponse({"ok": True, "next": _next_url(request)})


@login_required
@require_POST
def key_sign_in_options(request: HttpRequest) -> HttpResponse:
    if lockout.is_locked(request, request.user):
        return JsonResponse({"ok": False, "error": _("Too many failed attempts.")}, status=429)
    return HttpResponse(security_keys.sign_in_options(request, request.user), content_type="application/json")


@login_required
@require_POST
def key_sign_in(request: HttpRequest) -> JsonResponse:
    user = request.user
    if lockout.is_locked(request, user):
        logout(request)
        return JsonResponse({"ok": False, "next": reverse("accounts:sign_in")}, status=429)
    try:
        key = security_keys.verify(request, user, _json_body(request).get("credential"))
    except security_keys.KeyRejected:
        if _second_step_failed(request, user, "security_key"):
            logout(request)
            return JsonResponse({"ok": False, "next": reverse("accounts:sign_in")}, status=429)
        return JsonResponse({"ok": False, "error": _("The key was not accepted. Try again.")}, status=400)
    services.complete_second_step(request, user, key)
    return JsonResponse({"ok": True, "next": _next_url(request)})


@never_cache  # the answer comes after the sign-out, but still to a browser that was a staff member's
@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    services.sign_out_everywhere(request.user, origin=Origin.from_request(request))
    logout(request)
    messages.success(request, _("You are signed out everywhere: on this device and on all others."))
    return redirect("accounts:sign_in")
