"""How each member wants to be told things (e-mail, SMS, digests, broadcasts), and one-click unsubscribe."""

from __future__ import annotations

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mutualaid.channels.models import (
    Mode,
    NotificationPreference,
)
from mutualaid.members.models import User


@transaction.atomic
def preferences_update(*, user: User, email: str, sms: str, broadcasts: bool) -> NotificationPreference:
    if email not in Mode.values:
        raise ValidationError({"email": _("Choose how often to get e-mails.")})
    if sms not in Mode.values:
        raise ValidationError({"sms": _("Choose how often to get text messages.")})
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": email, "sms": sms, "broadcasts": broadcasts}
    )
    return preference


def unsubscribe_target(token: str) -> User | None:
    """The member a signed unsubscribe token names; None when the token is not genuine."""
    from mutualaid.channels.notifications import UNSUBSCRIBE_SALT

    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return User.objects.filter(pk=data.get("u"), is_active=True).first()


def unsubscribe_user(token: str) -> User | None:
    """Stop all e-mail to the member the signed token names; None when the token is not genuine."""
    user = unsubscribe_target(token)
    if user is None:
        return None
    with transaction.atomic():
        preference, _created = NotificationPreference.objects.get_or_create(user=user)
        preference.email = Mode.NEVER
        preference.save(update_fields=["email"])
    return user
