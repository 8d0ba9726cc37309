from django import template

from evac.accounts.roles import Can
from evac.core import references

register = template.Library()


@register.filter
def can(membership, capability: str) -> bool:
    """{% if membership|can:"view_cases" %}: the template asks the same table the views do."""
    return membership is not None and membership.can(Can(capability))


@register.filter
def reference(value: str) -> str:
    return references.display(value)


@register.simple_tag
def query_with(query: dict, **changes) -> str:
    """The current filters with some changed: keeps the filters when paging."""
    from django.utils.http import urlencode

    merged = {**query, **{k: v for k, v in changes.items() if v not in (None, "")}}
    return "?" + urlencode(merged)
