import math

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """A probability as a percentage, never rounded up to a certainty it is not: 0.9996 is 99.9 %."""
    if value is None:
        return ""
    shown = math.floor(value * 1000) / 10
    digits = 0 if shown == int(shown) or shown < 99 else 1
    if digits == 0:
        shown = math.floor(value * 100)
    return number_format(shown, digits) + "%"
