from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mutualaid.channels.broadcasts import BROADCAST_MAX
from mutualaid.channels.models import Mode
from mutualaid.channels.services import RELAY_MAX


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("E-mail notifications"),
        choices=Mode.choices,
        help_text=_("Claims, matches, messages, reminders and approvals."),
    )
    sms = forms.ChoiceField(label=_("Text message notifications"), choices=Mode.choices)
    broadcasts = forms.BooleanField(
        label=_("Announcements from my groups (for example, a changed distribution time)"), required=False
    )


class BroadcastForm(forms.Form):
    text = forms.CharField(
        label=_("Message"),
        max_length=BROADCAST_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    public = forms.BooleanField(
        label=_(
            "Public: also publish it to people following the group from the fediverse (Mastodon and others)"
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Formatted per request: `%` on a lazy string at import time would freeze it in English.
        self.fields["text"].help_text = _(
            "At most %(max)d characters. Texts start with the group's name."
        ) % {"max": BROADCAST_MAX}


class GatewayForm(forms.Form):
    enabled = forms.BooleanField(label=_("Use this gateway"), required=False, initial=True)
    account = forms.CharField(
        label=_("Account SID (Twilio) or username (Android)"), required=False, max_length=200
    )
    secret = forms.CharField(
        label=_("Auth token, signing key or shared secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Kept encrypted and never shown again. Leave blank to keep the stored one."),
    )
    api_password = forms.CharField(
        label=_("API password (Android)"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )
    api_url = forms.CharField(
        label=_("Address for sending (Android or generic)"), required=False, max_length=300
    )
    sender = forms.CharField(label=_("Sending number (Twilio)"), required=False, max_length=32)
    rate_per_minute = forms.IntegerField(
        label=_("Messages per minute at most"), min_value=1, max_value=600, initial=30
    )

    # Each kind of gateway asks only for what it uses, under its own words (one form per kind, so the
    # page needs no script to hide the others' fields).
    FIELDS_BY_KIND = {
        "twilio": {
            "account": _("Account SID"),
            "secret": _("Auth token"),
            "sender": _("Sending number"),
        },
        "android": {
            "account": _("Username"),
            "secret": _("Webhook signing key"),
            "api_password": _("API password"),
            "api_url": _("Address of the phone's API (for sending)"),
        },
        "generic": {
            "secret": _("Shared secret"),
            "api_url": _("Address for sending"),
        },
    }

    def __init__(self, *args: object, kind: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        wanted = self.FIELDS_BY_KIND[kind]
        for name in ("account", "secret", "api_password", "api_url", "sender"):
            if name in wanted:
                self.fields[name].label = wanted[name]
            else:
                del self.fields[name]


class RelayForm(forms.Form):
    text = forms.CharField(
        label=_("Text message"),
        max_length=RELAY_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Sent from the group's number; your number and theirs stay hidden."),
        error_messages={"required": _("Write the message to send.")},
    )
