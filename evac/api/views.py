import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evac.api.forms import TokenForm
from evac.api.models import ApiToken
from evac.api.services import issue_token, revoke_token
from evac.audit.services import Origin


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    created = raw_token = None
    if request.method == "POST" and form.is_valid():
        created, raw_token = issue_token(
            request.user,
            name=form.cleaned_data["name"],
            expires_at=form.expires_at,
            origin=Origin.from_request(request),
        )
        form = TokenForm()
    # The new token is shown in this response and nowhere else: no redirect, because carrying it to the
    # next page would mean putting it in the session (the database) or a cookie.
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": request.user.api_tokens.all(),
            "created": created,
            "raw_token": raw_token,
        },
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    # Another user's token is a 404, as if it did not exist.
    token = get_object_or_404(ApiToken, public_id=public_id, user=request.user)
    revoke_token(token, actor=request.user, origin=Origin.from_request(request))
    messages.success(request, _("Token “{name}” revoked.").format(name=token.name))
    return redirect("tokens:list")


def api_not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return JsonResponse({"detail": "Not found.", "field": None}, status=404)
