"""Asking the requester of a quiet open need whether they still need help (SMS or e-mail)."""

from __future__ import annotations

from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from mutualaid.channels import board, conf, conversation
from mutualaid.channels.models import (
    Contact,
    Gateway,
    IntakeRequest,
    Mode,
)
from mutualaid.channels.notifications import absolute, preference_for
from mutualaid.channels.outbox import email_queue, sms_queue
from mutualaid.core.speaking import speaking

CHECKIN_SALT = "mutualaid.channels.checkin"


def checkin_token(request: IntakeRequest) -> str:
    return signing.dumps({"r": request.pk}, salt=CHECKIN_SALT)


def checkin_request_from_token(token: str) -> IntakeRequest | None:
    try:
        data = signing.loads(token, salt=CHECKIN_SALT, max_age=timedelta(days=30))
    except signing.BadSignature:
        return None
    return IntakeRequest.objects.filter(pk=data.get("r")).select_related("group", "post").first()


def checkins_send() -> int:
    """Ask the requester of every quiet open need whether they still need help (SMS, or e-mail for a
    member's own need): quiet for `MUTUALAID_CHECKIN_DAYS` days, or expiring within that many days
    (see channels.board.needing_checkin). YES renews the post, NO withdraws it."""
    sent = 0
    for request in board.needing_checkin(days=conf.get("MUTUALAID_CHECKIN_DAYS")):
        with transaction.atomic():
            locked = IntakeRequest.objects.select_for_update().filter(pk=request.pk).first()
            if locked is None or (
                locked.checkin_sent_at is not None and locked.checkin_sent_at >= request.post.updated_at
            ):
                continue  # another worker asked in the meantime
            if _checkin_one(request):
                locked.checkin_sent_at = timezone.now()
                locked.save(update_fields=["checkin_sent_at"])
                sent += 1
    return sent


def _checkin_one(request: IntakeRequest) -> bool:
    contact = request.contact
    if contact is not None:
        gateway = contact.gateway or Gateway.objects.filter(group=request.group, enabled=True).first()
        if contact.opted_out or gateway is None or not gateway.enabled:
            return False
        with speaking(contact.language):
            body = conversation.checkin_question(request.code)
        Contact.objects.filter(pk=contact.pk).update(checkin_for=request, step="", draft="")
        sms_queue(gateway=gateway, contact=contact, body=body, kind="checkin")
        return True
    user = request.user
    if user is None or not user.email or preference_for(user).email == Mode.NEVER:
        return False
    link = absolute(reverse("channels_checkin", kwargs={"token": checkin_token(request)}))
    with speaking(user.language):
        subject = _("Do you still need help?")
        body = _(
            "Your request %(code)s in %(group)s has been quiet for a while. Do you still need help? Answer here: %(url)s"
        ) % {
            "code": request.code,
            "group": request.group.name,
            "url": link,
        }
    email_queue(user=user, kind="checkin", subject=subject, body=body, group=request.group)
    return True
