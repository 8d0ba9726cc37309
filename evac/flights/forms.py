from django import forms
from django.utils.translation import gettext_lazy as _

from evac.flights.models import Flight, FlightStatus

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class FlightForm(forms.ModelForm):
    class Meta:
        model = Flight
        fields = [
            "call_sign",
            "aircraft",
            "seats",
            "medical_places",
            "payload_kg",
            "departs_at",
            "origin",
            "destination",
            "emergency_contact",
        ]
        widgets = {
            "departs_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        }
        help_texts = {
            "seats": _("Ordinary seats, as the loadmaster gives them: change it when they do."),
            "medical_places": _("Places for people who travel lying down (stretchers)."),
            "payload_kg": _("Leave empty if not known; each person then counts as 100 kg where it is."),
            "departs_at": _("Kabul time."),
        }


class PinForm(forms.Form):
    action = forms.ChoiceField(choices=[("pin", "pin"), ("unpin", "unpin")])
    flight = forms.UUIDField(label=_("Flight"), required=False)
    next = forms.CharField(required=False)


class HoldForm(forms.Form):
    action = forms.ChoiceField(choices=[("hold", "hold"), ("release", "release")])
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)
    next = forms.CharField(required=False)


class LinkForm(forms.Form):
    action = forms.ChoiceField(choices=[("link", "link"), ("unlink", "unlink")])
    a = forms.CharField(label=_("Case"), max_length=20)
    b = forms.CharField(label=_("Travels with case"), max_length=20)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    next = forms.CharField(required=False)


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=FlightStatus.choices)


class ManifestForm(forms.Form):
    format = forms.ChoiceField(choices=[("csv", "CSV"), ("pdf", "PDF")])
