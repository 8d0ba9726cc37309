from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, so that you know which one to revoke."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for a token that lasts until you revoke it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A token nobody remembers should not work forever: suggest an end.
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=90)

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        if expires_on is not None and expires_on <= timezone.localdate():
            raise forms.ValidationError(_("Choose a day after today."))
        return expires_on

    @property
    def expires_at(self) -> datetime | None:
        """The token stops working at the start of the chosen day, in evac's time zone."""
        expires_on = self.cleaned_data.get("expires_on")
        return timezone.make_aware(datetime.combine(expires_on, time.min)) if expires_on else None
