from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualaid.core.categories import Language
from mutualaid.members.models import DISPLAY_NAME_MAX, USERNAME_MAX, Role, Skill


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=DISPLAY_NAME_MAX,
        help_text=_("What other members see. A nickname is fine."),
    )
    language = forms.ChoiceField(label=_("Preferred language"), choices=Language.choices)
    email = forms.CharField(
        label=_("E-mail (optional)"),
        required=False,
        max_length=254,
        help_text=_("Kept encrypted. Used only for notifications you choose."),
    )
    phone = forms.CharField(
        label=_("Phone (optional)"),
        required=False,
        max_length=32,
        help_text=_("Kept encrypted. Shown only to people you are matched with, if you choose."),
    )


class ProfileSkillsForm(ProfileForm):
    """The profile page: the account's details and what the member can do."""

    skills = forms.MultipleChoiceField(
        label=_("What I can do"),
        choices=Skill.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Coordinators may ask people with a skill when a shift needs them."),
    )


class SignupForm(ProfileForm):
    field_order = ["username", "password", "display_name", "language", "email", "phone"]
    username = forms.CharField(
        label=_("Username"),
        max_length=USERNAME_MAX,
        help_text=_(
            "For logging in. Letters, digits, dots, dashes or underscores. It need not be your real name."
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=200,
        help_text=_("At least 10 characters."),
    )


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("A few words for the coordinators (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AnonymousJoinRequestForm(SignupForm, JoinRequestForm):
    field_order = ["username", "password", "display_name", "language", "email", "phone", "message"]


class InvitationForm(forms.Form):
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=30, initial=7)
    note = forms.CharField(
        label=_("Note for yourself (optional)"),
        required=False,
        max_length=200,
        help_text=_("For example, who you will give it to. Kept encrypted."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.MEMBER)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"), max_length=60, help_text=_("What will use it, e.g. 'my script'.")
    )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), widget=forms.PasswordInput, max_length=200)
    confirm = forms.BooleanField(label=_("I understand my account and contact details will be deleted."))


class DataExportForm(forms.Form):
    """The password again (and a second-factor code where one is set up) before a member's data download."""

    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        max_length=200,
    )
    code = forms.CharField(
        label=_("Code from your second factor"),
        required=False,  # the service names a missing code with the password's error, at once
        help_text=_("Six digits from your authenticator app, or one of your recovery codes."),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, needs_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_code:
            del self.fields["code"]


class InvitationLinkForm(forms.Form):
    token = forms.CharField(
        label=_("Invitation link"),
        max_length=500,
        strip=True,
        help_text=_("Paste the whole link you received, or the code after its # sign."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
