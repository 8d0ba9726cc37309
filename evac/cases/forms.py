from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from evac.accounts.models import Organisation
from evac.cases.models import Application, Employment, EmploymentRole, Person, Relationship
from evac.cases.workflow import Status
from evac.core.dates import DateError, parse_partial_date
from evac.programs.models import Program
from evac.situation.models import Province


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["program", "province", "district", "address"]

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        programs = Program.objects.filter(organisation=organisation)
        if self.instance.pk is None:
            programs = programs.filter(is_open=True)
        self.fields["program"].queryset = programs
        self.fields["program"].empty_label = None


class PersonForm(forms.ModelForm):
    birth_date = forms.CharField(
        label=_("Date of birth"),
        required=False,
        help_text=_("A year alone is fine (1987). Solar Hijri dates are understood (1365/05/12)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "1987 / 1987-05-03 / 1365"}),
    )

    field_order = [
        "relationship",
        "given_name",
        "family_name",
        "father_name",
        "grandfather_name",
        "native_name",
        "sex",
        "birth_date",
    ]

    class Meta:
        model = Person
        fields = [
            "relationship",
            "given_name",
            "family_name",
            "father_name",
            "grandfather_name",
            "native_name",
            "sex",
            "tazkira_number",
            "passport_number",
            "nationality",
            "phone",
            "email",
            "medical_needs",
        ]
        widgets = {
            "native_name": forms.TextInput(attrs={"dir": "rtl", "lang": "fa"}),
            "medical_needs": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "family_name": _("Leave empty if the person has none."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["birth_date"].initial = self.instance.birth_date_display

    def clean_birth_date(self):
        try:
            return parse_partial_date(self.cleaned_data["birth_date"])
        except DateError as error:
            raise forms.ValidationError(
                _("This date cannot be read or cannot be right: {error}").format(error=error)
            ) from error

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("given_name") and not cleaned.get("native_name"):
            raise forms.ValidationError(_("Give a name in Latin letters, in Perso-Arabic script, or both."))
        return cleaned

    def save(self, commit=True):
        person = super().save(commit=False)
        birth = self.cleaned_data.get("birth_date")
        person.birth_year = birth.year if birth else None
        person.birth_month = birth.month if birth else None
        person.birth_day = birth.day if birth else None
        if commit:
            person.save()
        return person

    @property
    def birth_date_changed(self) -> bool:
        return "birth_date" in self.changed_data


class FamilyFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        principals = 0
        members = 0
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            members += 1
            if form.cleaned_data.get("relationship") == Relationship.SELF:
                principals += 1
        if members and principals != 1:
            raise forms.ValidationError(_("A family needs exactly one principal applicant."))
        if not members:
            raise forms.ValidationError(_("Add at least the principal applicant."))


PersonFormSet = inlineformset_factory(
    Application, Person, form=PersonForm, formset=FamilyFormSet, extra=0, can_delete=True
)


class EmploymentForm(forms.ModelForm):
    class Meta:
        model = Employment
        fields = ["employer_name", "role", "start", "end", "badge_number", "supervisor", "evidence"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
            "evidence": forms.Textarea(attrs={"rows": 2}),
            "employer_name": forms.TextInput(attrs={"list": "employers"}),
        }
        labels = {"employer_name": _("Employer")}
        help_texts = {"badge_number": _("As the applicant gives it; checked against the employer's roster.")}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end comes before the start."))
        return cleaned


EmploymentFormSet = inlineformset_factory(
    Application, Employment, form=EmploymentForm, extra=0, can_delete=True
)


class StatusChangeForm(forms.Form):
    target = forms.ChoiceField(label=_("New status"), choices=())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    expected_status = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, targets: list[str], current: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(t, Status(t).label) for t in targets]
        self.fields["expected_status"].initial = current


class CaseFilterForm(forms.Form):
    SORTS = [
        ("priority", _("Priority, highest first")),
        ("oldest", _("Oldest first")),
        ("newest", _("Newest first")),
    ]
    q = forms.CharField(label=_("Name or reference"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )
    program = forms.ModelChoiceField(
        label=_("Program"),
        required=False,
        queryset=Program.objects.none(),
        empty_label=_("Any program"),
        to_field_name="slug",
    )
    province = forms.ModelChoiceField(
        label=_("Province"), required=False, queryset=Province.objects.all(), empty_label=_("Any province")
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role")), *EmploymentRole.choices]
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORTS)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.filter(organisation=organisation)
