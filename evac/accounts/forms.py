from django import forms
from django.utils.translation import gettext_lazy as _

from evac.accounts.roles import Role


class AddMemberForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("An existing account, or a new one: a one-time password is then shown once."),
    )
    display_name = forms.CharField(label=_("Full name (for a new account)"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ChangeRoleForm(forms.Form):
    username = forms.CharField(widget=forms.HiddenInput)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
