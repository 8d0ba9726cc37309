from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import get_language_info

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context) -> list[dict]:
    """The same page in each of the applicant's languages, each named in its own language."""
    request = context["request"]
    match = request.resolver_match
    links = []
    for code, _name in settings.LANGUAGES:
        try:
            url = reverse(match.view_name, kwargs={**match.kwargs, "lang": code})
        except (NoReverseMatch, AttributeError):
            url = reverse("intake:start", kwargs={"lang": code})
        info = get_language_info(code)
        links.append({"code": code, "name": info["name_local"], "bidi": info["bidi"], "url": url})
    return links


@register.filter
def grouped(value: str, size: int = 4) -> str:
    """A secret in groups of four symbols, easier to copy by hand."""
    return "-".join(value[i : i + size] for i in range(0, len(value), size))
