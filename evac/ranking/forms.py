from django import forms

from evac.cases.models import EmploymentRole
from evac.ranking import weights


def _field(label) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, max_value=200)


class WeightsForm(forms.Form):
    """One number per weight, grouped as weights.py groups them; field names are group__key."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        roles = dict(EmploymentRole.choices)
        for key, value in current["role"].items():
            self.fields[f"role__{key}"] = _field(roles.get(key, key))
            self.initial[f"role__{key}"] = value
        for key, value in current["province"].items():
            self.fields[f"province__{key}"] = _field(weights.PROVINCE_LABELS.get(key, key))
            self.initial[f"province__{key}"] = value
        for key, value in current["other"].items():
            self.fields[f"other__{key}"] = _field(weights.OTHER_LABELS.get(key, key))
            self.initial[f"other__{key}"] = value

    def group(self, name: str):
        return [self[field] for field in self.fields if field.startswith(name + "__")]

    def weights(self) -> dict:
        table: dict[str, dict[str, int]] = {"role": {}, "province": {}, "other": {}}
        for name, value in self.cleaned_data.items():
            group, key = name.split("__", 1)
            table[group][key] = value
        return table
