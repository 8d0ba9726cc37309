"""{{ term|term_label }}: a priority term in plain words, in the reader's language."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from evac.cases.models import EmploymentRole
from evac.ranking.weights import PROVINCE_LABELS

register = template.Library()


@register.filter
def term_label(term) -> str:
    detail = term.detail or {}
    match term.term:
        case "role":
            role = dict(EmploymentRole.choices).get(detail.get("role"), detail.get("role", ""))
            return _("Role exposure: %(role)s") % {"role": role}
        case "verified_employment":
            return _("Employment verified against a roster")
        case "children_under_5":
            n = detail.get("count", 0)
            return ngettext("%(n)s child under 5", "%(n)s children under 5", n) % {"n": n}
        case "older_person":
            return _("A person over 65 in the family")
        case "medical_needs":
            return _("Medical needs in the family")
        case "woman_heads_family":
            return _("A woman heads the family")
        case "waiting":
            n = detail.get("weeks", 0)
            return ngettext("Waiting %(n)s week", "Waiting %(n)s weeks", n) % {"n": n}
        case "province":
            status = PROVINCE_LABELS.get(detail.get("status"), detail.get("status", ""))
            if detail.get("province"):
                return _("Province %(province)s: %(status)s") % {
                    "province": detail["province"],
                    "status": status,
                }
            return str(status)
    return term.term
