from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evac.accounts import services
from evac.accounts.access import get_membership
from evac.accounts.forms import AddMemberForm, ChangeRoleForm
from evac.accounts.models import User
from evac.accounts.roles import Can, Role
from evac.accounts.services import record_sign_in, record_sign_in_failure, record_sign_out
from evac.audit.services import Origin, record_event


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # A browser that applied through the public form carries a 7-day session: staff get the short one.
        self.request.session.set_expiry(None)
        record_sign_in(form.get_user(), origin=Origin.from_request(self.request))
        return response

    def form_invalid(self, form):
        username = (self.request.POST.get("username") or "")[:150]
        if username:
            record_sign_in_failure(username, origin=Origin.from_request(self.request))
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
