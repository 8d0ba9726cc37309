from django import forms
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation
from evac.cases.forms import CaseFilterForm
from evac.exports.columns import ALWAYS, COLUMNS
from evac.exports.models import ExportRequest


class ExportForm(forms.Form):
    """What to export; which cases comes from the case list's own filter form, posted beside it."""

    columns = forms.MultipleChoiceField(
        label=_("Columns"),
        choices=[(column.key, column.label) for column in COLUMNS if column.key not in ALWAYS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one column.")},
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=ExportRequest.Format.choices,
        initial=ExportRequest.Format.CSV,
        widget=forms.RadioSelect,
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to refuse; the requester sees it."),
    )


class ThresholdForm(forms.Form):
    export_approval_threshold = forms.IntegerField(
        label=_("Rows an export may hold without approval"),
        min_value=0,
        max_value=10_000_000,
        help_text=_(
            "A larger export waits until another member who may export approves it. 0: every export does."
        ),
    )


def filter_values(form: CaseFilterForm) -> dict[str, str]:
    """The filters as posted, for the request's record: only those given."""
    return {name: str(form.data[name]) for name in form.fields if form.data.get(name)}


def describe_filters(filters: dict[str, str], organisation: Organisation) -> list[tuple[str, str]]:
    """(label, value as shown in the case list) for each filter a request was made with."""
    form = CaseFilterForm(filters, organisation=organisation)
    cleaned = form.cleaned_data if form.is_valid() else {}
    described = []
    for name, field in form.fields.items():
        value = filters.get(name)
        if not value:
            continue
        if isinstance(field, forms.ModelChoiceField):
            shown = str(cleaned.get(name) or value)
        elif isinstance(field, forms.ChoiceField):
            shown = str(dict(field.choices).get(value, value))
        else:
            shown = value
        described.append((str(field.label), shown))
    return described
