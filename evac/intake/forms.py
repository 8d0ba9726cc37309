"""The applicant's forms, one per step. Plain forms: the answers go into the draft as JSON, and become
an application's people and employment only at submission (services.build_application)."""

import re
import unicodedata

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from evac.cases.models import EmploymentRole, Relationship, Sex
from evac.core.dates import DateError, parse_partial_date
from evac.intake import limits
from evac.intake.models import IntakeDraft
from evac.programs.models import Program
from evac.situation.models import Province

ELSEWHERE = "elsewhere"
_PHONE = re.compile(r"^\+?[\d\s().-]{6,30}$")
_PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def has_arabic_script(text: str) -> bool:
    return any("ARABIC" in unicodedata.name(ch, "") for ch in text)


class ApplicantForm(forms.Form):
    """Error messages of our own: Django has no Pashto, and its Persian is Iran's, not Afghanistan's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = _("Please fill in this field.")
            field.error_messages["invalid_choice"] = _("Please choose one of the options.")
            if "max_length" in field.error_messages or getattr(field, "max_length", None):
                field.error_messages["max_length"] = _("This is too long.")


def _partial_date(text: str):
    try:
        return parse_partial_date(text)
    except DateError as error:
        raise forms.ValidationError(
            _(
                "This date cannot be read. Write a year (1987), a date (1987-05-03) or a Solar Hijri date (1365/02/13)."
            )
        ) from error


class ProgramForm(ApplicantForm):
    program = forms.ModelChoiceField(
        label=_("Program"), queryset=Program.objects.none(), widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only open programs: a closed one cannot be chosen, even by a hand-made request.
        self.fields["program"].queryset = open_programs()


def open_programs():
    return (
        Program.objects.filter(is_open=True)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


class PersonForm(ApplicantForm):
    """One person's names, birth date, documents and needs, as the tazkira has them: many people have no
    family name, and the father's name tells apart two men called Mohammad."""

    given_name = forms.CharField(label=_("Given name, in Latin letters"), max_length=100, required=False)
    family_name = forms.CharField(
        label=_("Family name, in Latin letters"),
        max_length=100,
        required=False,
        help_text=_("Many people have no family name: leave this empty if there is none."),
    )
    native_name = forms.CharField(
        label=_("Full name in Dari or Pashto script"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"dir": "rtl", "lang": "fa"}),
    )
    father_name = forms.CharField(label=_("Father's name"), max_length=100, required=False)
    grandfather_name = forms.CharField(
        label=_("Grandfather's name (optional)"), max_length=100, required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices], required=False)
    birth_date = forms.CharField(
        label=_("Date of birth"),
        max_length=20,
        required=False,
        help_text=_("A year alone is fine (1987). Solar Hijri is fine too (1365 or 1365/02/13)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    # Numbers, phone and email read left to right even on a right-to-left page.
    tazkira_number = forms.CharField(
        label=_("Tazkira number"), max_length=40, required=False, widget=forms.TextInput(attrs={"dir": "ltr"})
    )
    passport_number = forms.CharField(
        label=_("Passport number"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    medical_needs = forms.CharField(
        label=_("Medical needs"),
        max_length=1000,
        required=False,
        help_text=_(
            "Anything we should know to care for this person on the journey: illness, disability, pregnancy, medicines."
        ),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_birth_date(self):
        text = self.cleaned_data["birth_date"].strip()
        _partial_date(text)
        return text

    def clean(self):
        cleaned = super().clean()
        given, family, native = (cleaned.get(k, "") for k in ("given_name", "family_name", "native_name"))
        # A name typed in Perso-Arabic script in the Latin field is still a name: move it where it belongs.
        if (has_arabic_script(given) or has_arabic_script(family)) and not native:
            cleaned["native_name"] = " ".join(part for part in (given, family) if part)
            cleaned["given_name"] = cleaned["family_name"] = ""
        elif has_arabic_script(given) or has_arabic_script(family):
            self.add_error(
                "given_name",
                _("Use Latin letters here; the name in Dari or Pashto script has its own field."),
            )
        if not cleaned.get("given_name") and not cleaned.get("native_name"):
            raise forms.ValidationError(_("Give a name in Latin letters, in Dari or Pashto script, or both."))
        return cleaned


class PrincipalForm(PersonForm):
    field_order = ["given_name", "family_name", "native_name", "father_name", "grandfather_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["father_name"].required = True
        self.fields["father_name"].error_messages["required"] = _("Please give your father's name.")


class MemberForm(PersonForm):
    relationship = forms.ChoiceField(
        label=_("Relationship to you"),
        choices=[("", "—"), *((v, label) for v, label in Relationship.choices if v != Relationship.SELF)],
    )
    field_order = ["relationship", "given_name", "family_name", "native_name", "father_name"]


class EmploymentForm(ApplicantForm):
    employer_name = forms.CharField(
        label=_("Employer"),
        max_length=200,
        help_text=_("Who you worked for: the armed forces, the embassy, a contractor."),
        widget=forms.TextInput(attrs={"list": "employers"}),
    )
    role = forms.ChoiceField(label=_("Your work"), choices=[("", "—"), *EmploymentRole.choices])
    role_as_written = forms.CharField(
        label=_("Your work, if it is not in the list"), max_length=100, required=False
    )
    start = forms.CharField(
        label=_("Started"),
        max_length=20,
        required=False,
        help_text=_("A year alone is fine (2009). Solar Hijri is fine too (1388)."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    end = forms.CharField(
        label=_("Ended"),
        max_length=20,
        required=False,
        help_text=_("Leave empty if you still work there."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    supervisor = forms.CharField(label=_("Your supervisor's name"), max_length=200, required=False)
    evidence = forms.CharField(
        label=_("Proof you can show"),
        max_length=1000,
        required=False,
        help_text=_("For example a badge number, a letter of recommendation or a contract."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_start(self):
        text = self.cleaned_data["start"].strip()
        _partial_date(text)
        return text

    def clean_end(self):
        text = self.cleaned_data["end"].strip()
        _partial_date(text)
        return text

    def clean(self):
        cleaned = super().clean()
        start, end = (_parsed(cleaned.get(k)) for k in ("start", "end"))
        if start and end and end.earliest() < start.earliest():
            self.add_error("end", _("The end comes before the start."))
        return cleaned


def _parsed(text):
    try:
        return parse_partial_date(text or "")
    except DateError:
        return None


def province_choices():
    """The provinces named in the page's language (the Dari names serve Pashto too), then "elsewhere"."""
    language = get_language()
    attribute = {"fa": "name_fa", "ps": "name_fa", "fr": "name_fr"}.get(language, "name")
    provinces = sorted((getattr(p, attribute), p.code) for p in Province.objects.all())
    return [
        ("", "—"),
        *((code, name) for name, code in provinces),
        (ELSEWHERE, _("Elsewhere, or I do not know")),
    ]


class ContactForm(ApplicantForm):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=40,
        required=False,
        help_text=_(
            "With the country code if you can: +93 79 912 3456. A WhatsApp or Signal number is best."
        ),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "dir": "ltr"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"dir": "ltr"}),
    )
    province = forms.ChoiceField(label=_("Province where you are now"), choices=())
    province_as_written = forms.CharField(
        label=_("Where you are, if not in a province on the list"), max_length=100, required=False
    )
    district = forms.CharField(label=_("District"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = province_choices()
        self.fields["email"].error_messages["invalid"] = _("This email address cannot be right.")

    def clean_phone(self):
        phone = self.cleaned_data["phone"].translate(_PERSIAN_DIGITS).strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(_("A phone number has digits only, and may start with +."))
        return phone

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("phone")
            and not cleaned.get("email")
            and not self.has_error("phone")
            and not self.has_error("email")
        ):
            raise forms.ValidationError(
                _("Give a phone number or an email address, so that we can reach you.")
            )
        if cleaned.get("province") == ELSEWHERE and not cleaned.get("province_as_written"):
            self.add_error("province_as_written", _("Please say where you are."))
        return cleaned


class SubmitForm(ApplicantForm):
    """The last step. Two checks against scripts, neither needing an outside service: a field hidden
    from people that bots fill in, and a minimum time since the draft began."""

    confirm = forms.BooleanField(label=_("What I have written is true, as far as I know."))
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, draft: IntakeDraft, **kwargs):
        super().__init__(*args, **kwargs)
        self.draft = draft

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("This field must stay empty."))
        return ""

    def clean(self):
        cleaned = super().clean()
        elapsed = (timezone.now() - self.draft.created_at).total_seconds()
        if elapsed < limits.MIN_SECONDS_TO_SUBMIT:
            raise forms.ValidationError(
                _("That was very quick. Please check your answers, then send them again.")
            )
        return cleaned

    @property
    def is_bot(self) -> bool:
        return self.has_error("website")


class StatusForm(ApplicantForm):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "dir": "ltr"}),
    )
    secret = forms.CharField(
        label=_("Secret code"),
        max_length=20,
        widget=forms.PasswordInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "dir": "ltr"}
        ),
    )
