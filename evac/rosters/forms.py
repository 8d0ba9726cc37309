from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from evac.cases.models import VerificationState
from evac.imports.reading import ReadError, open_sheet
from evac.imports.services import MAX_UPLOAD_BYTES
from evac.rosters.models import Employer
from evac.rosters.rows import ROSTER


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster"),
        help_text=_(
            "CSV or XLSX, one row per person: badge number and a name at least; given name, family name, "
            "father's name, name in Dari or Pashto, birth date, role, start and end of employment if the "
            "employer has them. English or French headers, at most 50 MB."
        ),
    )
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Employer.objects.none(), required=False)
    new_employer = forms.CharField(
        label=_("Or a new employer"),
        max_length=200,
        required=False,
        help_text=_("Only for an employer the organisation has no roster or claims for yet."),
    )

    def __init__(self, *args, organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Employer.objects.filter(organisation=organisation)
        self.content = b""

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("The file is larger than {size} MB: split it and import the parts.").format(
                    size=MAX_UPLOAD_BYTES // (1024 * 1024)
                )
            )
        self.content = upload.read()
        try:
            open_sheet(self.content, ROSTER)
        except ReadError as error:
            raise ValidationError(str(error)) from error
        return upload

    def clean(self):
        cleaned = super().clean()
        chosen, new = cleaned.get("employer"), (cleaned.get("new_employer") or "").strip()
        if bool(chosen) == bool(new) and "employer" not in self.errors:
            raise ValidationError(_("Choose the employer, or name a new one (one of the two)."))
        return cleaned


class DecisionForm(forms.Form):
    """Confirm the claim with one candidate entry, or reject it with a reason."""

    decision = forms.ChoiceField(choices=[("confirm", _("Confirm")), ("reject", _("Reject"))])
    entry = forms.UUIDField(required=False)
    reason = forms.CharField(
        label=_("Why the roster does not back the claim"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The claim's state when the page was loaded: a decision taken meanwhile by someone else wins.
    expected = forms.ChoiceField(choices=VerificationState.choices, widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "confirm" and not cleaned.get("entry"):
            raise ValidationError(_("Choose the roster entry that confirms the claim."))
        if cleaned.get("decision") == "reject" and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("Give a reason for rejecting the claim."))
        return cleaned
