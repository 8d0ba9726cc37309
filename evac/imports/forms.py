from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from evac.imports.reading import ReadError, open_sheet
from evac.imports.services import MAX_UPLOAD_BYTES
from evac.programs.models import Program


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("CSV or XLSX in the evac interchange columns, English or French headers, at most 50 MB."),
    )
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    dry_run = forms.BooleanField(
        label=_("Dry run: check the file and count what would change, without saving anything"),
        required=False,
    )

    def __init__(self, *args, organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(organisation=organisation)
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
        # Say at once what is wrong with the file as a whole, rather than in a failed job later.
        try:
            open_sheet(self.content)
        except ReadError as error:
            raise ValidationError(str(error)) from error
        return upload
