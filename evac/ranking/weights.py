"""The weights of the priority score: explicit numbers an org admin edits, with their defaults.

Defaults follow what ranked people first in 2021: exposure of the role (an interpreter on patrols was
hunted, a cleaner at the base less so), a province that has fallen, the vulnerable in the family,
employment a roster confirms, and time already waited.
"""

from django.utils.translation import gettext_lazy as _

from evac.cases.models import EmploymentRole
from evac.situation.models import ProvinceStatus

ROLE = {
    EmploymentRole.INTERPRETER: 40,
    EmploymentRole.SECURITY_GUARD: 30,
    EmploymentRole.EMBASSY_STAFF: 25,
    EmploymentRole.DRIVER: 25,
    EmploymentRole.CONSTRUCTION_WORKER: 15,
    EmploymentRole.COOK: 10,
    EmploymentRole.CLEANER: 10,
    EmploymentRole.OTHER: 10,
}
PROVINCE = {
    ProvinceStatus.FALLEN: 30,
    ProvinceStatus.CONTESTED: 15,
    ProvinceStatus.GOVERNMENT: 0,
    "unknown": 10,  # the family's province is not known: neither safe nor lost
}
OTHER = {
    "verified_employment": 20,
    "child_under_5": 5,
    "children_max": 15,
    "older_person": 5,
    "medical_needs": 10,
    "woman_heads_family": 10,
    "waiting_per_week": 1,
    "waiting_max": 10,
}

OTHER_LABELS = {
    "verified_employment": _("Employment verified against a roster"),
    "child_under_5": _("Each child under 5"),
    "children_max": _("Children under 5, at most"),
    "older_person": _("A person over 65 in the family"),
    "medical_needs": _("Medical needs in the family"),
    "woman_heads_family": _("A woman heads the family"),
    "waiting_per_week": _("Each week waiting"),
    "waiting_max": _("Waiting, at most"),
}
PROVINCE_LABELS = {
    ProvinceStatus.FALLEN: ProvinceStatus.FALLEN.label,
    ProvinceStatus.CONTESTED: ProvinceStatus.CONTESTED.label,
    ProvinceStatus.GOVERNMENT: ProvinceStatus.GOVERNMENT.label,
    "unknown": _("Province unknown"),
}


def defaults() -> dict[str, dict[str, int]]:
    return {
        "role": {str(k): v for k, v in ROLE.items()},
        "province": {str(k): v for k, v in PROVINCE.items()},
        "other": dict(OTHER),
    }


def complete(stored: dict | None) -> dict[str, dict[str, int]]:
    """Stored weights over the defaults: a weight added in a later version has its default until set."""
    merged = defaults()
    for group, values in (stored or {}).items():
        if group in merged:
            merged[group].update({k: int(v) for k, v in values.items() if k in merged[group]})
    return merged
