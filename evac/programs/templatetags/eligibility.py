from django import template

from evac.programs.rules import RULE_LABELS

register = template.Library()


@register.filter
def rule_label(rule: str) -> str:
    return str(RULE_LABELS.get(rule, rule))
