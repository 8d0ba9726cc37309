"""What each status means to an applicant, and what happens next, in plain words."""

from django.utils.translation import gettext_lazy as _

from evac.cases.workflow import Status

# status -> (what it means, what comes next)
EXPLANATIONS = {
    Status.RECEIVED: (
        _("We have your application. Nobody has looked at it yet."),
        _("An officer will check what you wrote. You do not need to apply again."),
    ),
    Status.IN_REVIEW: (
        _("An officer is checking your application and your work for the mission."),
        _("We may call or write to you if we need more information. Keep your phone with you."),
    ),
    Status.ELIGIBLE: (
        _("Your work for the mission has been confirmed: you can be part of the program."),
        _("A final decision comes next. Keep your documents ready."),
    ),
    Status.INELIGIBLE: (
        _("From what we know now, you cannot be part of this program."),
        _("If you have new proof of your work, contact us with your reference number."),
    ),
    Status.APPROVED: (
        _("Your application is approved."),
        _("We will tell you when there is a seat for your family. Keep your documents ready."),
    ),
    Status.SCHEDULED: (
        _("Your family has seats on a flight."),
        _("We will tell you where and when to go. Only go when we tell you to."),
    ),
    Status.BOARDED: (
        _("You boarded your flight."),
        _("Nothing for you to do now."),
    ),
    Status.ARRIVED: (
        _("You have arrived."),
        _("Welcome. People at your arrival place will help you with the next steps."),
    ),
    Status.WITHDRAWN: (
        _("This application was withdrawn."),
        _("If this is a mistake, contact us with your reference number."),
    ),
}


def explain(status: str) -> tuple[str, str]:
    return EXPLANATIONS.get(status, ("", ""))
