import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from evac.accounts.roles import Can
from evac.audit.services import Origin, record_event
from evac.cases.access import get_case_for_user
from evac.notify import services
from evac.notify.forms import MessageForm
from evac.notify.models import MessageState

HISTORY = 100


@login_required
@require_http_methods(["GET", "POST"])
def case_messages(request: HttpRequest, org: str, ref: str) -> HttpResponse:
    """Write to a member of the family, and see what the case was sent before."""
    membership, application = get_case_for_user(request.user, org, ref, Can.MESSAGE_APPLICANTS)
    origin = Origin.from_request(request)
    people = list(application.people.all())
    form = MessageForm(request.POST or None, people=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            message = services.send_to_applicant(
                application,
                subject=data["subject"],
                body=data["body"],
                person=data["recipient"],
                actor=request.user,
                origin=origin,
                idempotency_key=data["idempotency_key"],
            )
        except services.NoEmailAddress:
            form.add_error("recipient", _("This person has no email address."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if message.state == MessageState.SENT:
                messages.success(
                    request, _("Message sent to {address}.").format(address=message.masked_address)
                )
            else:
                messages.error(
                    request,
                    _(
                        "The message could not be sent: {reason}. It is recorded as failed; try again later."
                    ).format(reason=message.failure),
                )
            return redirect("notify:case_messages", org=org, ref=application.reference)
    # The page shows the family's names and what they were told: a read, audited like the case page.
    record_event(
        "message.list",
        actor=request.user,
        organisation=membership.organisation,
        target_type=services.CASE,
        target_ref=application.reference,
        origin=origin,
    )
    history = application.messages.select_related("person", "sent_by")[:HISTORY]
    return render(
        request,
        "notify/case_messages.html",
        {
            "membership": membership,
            "case": application,
            "form": form if form.people else None,
            "history": history,
            "language_name": dict(settings.LANGUAGES)[services.message_language(application)],
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4(),
        },
    )
