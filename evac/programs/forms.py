from django import forms
from django.utils.translation import gettext_lazy as _

from evac.cases.models import EmploymentRole, Relationship
from evac.programs.models import Program
from evac.programs.rules import RULE_LABELS, RULES
from evac.rosters.models import Employer


class ListField(forms.CharField):
    """A comma-separated list in a text box (nationalities), kept as a JSON list."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [item.strip() for item in (value or "").split(",") if item.strip()]


class ProgramRulesForm(forms.ModelForm):
    eligible_employers = forms.ModelMultipleChoiceField(
        label=_("Eligible employers"),
        queryset=Employer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any of the organisation's employers."),
    )
    eligible_roles = forms.MultipleChoiceField(
        label=_("Eligible roles"),
        choices=EmploymentRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: any role."),
    )
    family_relationships = forms.MultipleChoiceField(
        label=_("Relatives who count as family"),
        choices=Relationship.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the principal applicant, a spouse and children."),
    )
    nationalities = ListField(
        label=_("Citizenship or residence required"),
        required=False,
        help_text=_(
            "Comma-separated, as written in the cases (Canadian, Canada, CA). Empty: no requirement."
        ),
    )

    class Meta:
        model = Program
        fields = [
            "is_open",
            "eligible_employers",
            "eligible_roles",
            "min_months_service",
            "service_from",
            "service_until",
            "nationalities",
            "family_relationships",
            "max_child_age",
            "people_cap",
        ]
        widgets = {
            "service_from": forms.DateInput(attrs={"type": "date"}),
            "service_until": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["eligible_employers"].queryset = Employer.objects.filter(
            organisation=self.instance.organisation
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("service_from"), cleaned.get("service_until")
        if start and end and start > end:
            self.add_error("service_until", _("The window ends before it starts."))
        return cleaned


class OverrideForm(forms.Form):
    rule = forms.ChoiceField(choices=[(r, RULE_LABELS[r]) for r in RULES], widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("met", _("Met")), ("not_met", _("Not met")), ("withdraw", _("As the rule finds"))],
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") in ("met", "not_met") and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Say why: the override is audited and read by the next officer."))
        return cleaned

    @property
    def met(self) -> bool | None:
        return {"met": True, "not_met": False}.get(self.cleaned_data["decision"])
