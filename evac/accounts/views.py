from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from evac.accounts.services import record_sign_in, record_sign_in_failure, record_sign_out
from evac.audit.services import Origin


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
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
