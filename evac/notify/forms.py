from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from evac.cases.models import Person
from evac.notify import services
from evac.notify.addresses import mask_address


class MessageForm(forms.Form):
    recipient = forms.ChoiceField(label=_("Recipient"))
    subject = forms.CharField(label=_("Subject"), max_length=services.SUBJECT_MAX)
    body = forms.CharField(
        label=_("Message"),
        max_length=services.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "Sent to this person alone, with a heading and a footer in the language they chose. "
            "Never write their secret, and ask for no documents by email."
        ),
    )
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, people: list[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {str(p.public_id): p for p in people if p.email}
        # The address masked even here: the officer picks a person, and never needs to copy an address.
        self.fields["recipient"].choices = [
            (key, f"{p.full_name} ({p.get_relationship_display()}), {mask_address(p.email)}")
            for key, p in self.people.items()
        ]

    def clean_recipient(self) -> Person:
        return self.people[self.cleaned_data["recipient"]]

    def clean_subject(self) -> str:
        subject = self.cleaned_data["subject"]
        if "\n" in subject or "\r" in subject:
            raise ValidationError(_("The subject is one line."))
        return services.clean_subject(subject)
