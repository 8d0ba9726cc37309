"""The applicant's language comes from the URL (/apply/fa/...), so that a link shared with a cousin opens
in the same language, whatever that phone's browser prefers."""

import functools

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache

from evac.intake.limits import RateLimited

CODES = [code for code, _name in settings.LANGUAGES]


def applicant_page(view):
    """Run a view in the URL's language, answer a rate-limited request with a polite 429 in that same
    language, and keep the page out of every cache: it may hold a family's answers."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, lang: str, *args, **kwargs) -> HttpResponse:
        if lang not in CODES:
            raise Http404
        with translation.override(lang):
            request.LANGUAGE_CODE = lang
            try:
                response = view(request, lang, *args, **kwargs)
            except RateLimited as limited:
                response = render(request, "intake/limited.html", {"lang": lang}, status=429)
                response["Retry-After"] = str(int(limited.limit.window.total_seconds()))
        # LocaleMiddleware only sets this header when the view has not.
        response["Content-Language"] = lang
        return response

    return never_cache(wrapper)
