from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evac.situation.models import Province, ProvinceStatus


class SituationChangeForm(forms.Form):
    province = forms.ModelChoiceField(label=_("Province"), queryset=Province.objects.order_by("name"))
    status = forms.ChoiceField(label=_("Status"), choices=ProvinceStatus.choices)
    occurred_on = forms.DateField(
        label=_("Since"), widget=forms.DateInput(attrs={"type": "date"}), initial=timezone.localdate
    )
    source = forms.CharField(
        label=_("Source"),
        max_length=300,
        help_text=_("Who reports it: a liaison officer, a partner, a news agency, with the time if known."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A change cannot be reported before it happens."))
        return day
