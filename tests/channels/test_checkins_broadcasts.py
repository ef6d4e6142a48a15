"""Check-ins on quiet needs (SMS and e-mail) and coordinators' broadcasts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from mutualaid.channels import checkins, services
from mutualaid.channels.models import (
    Broadcast,
    Contact,
    IntakeRequest,
    NotificationPreference,
    OutboundMessage,
)
from mutualaid.exchange.models import Post
from mutualaid.members.services import profile_update
from tests.channels.conftest import member_request, post_twilio, run_jobs

PHONE = "+17185550177"


def _need_via_sms(client: Any, *words: str) -> IntakeRequest:
    for word in words:
        post_twilio(client, PHONE, word)
    return IntakeRequest.objects.get()


def _expire_in(request: IntakeRequest, days: int) -> None:
    Post.objects.filter(pk=request.post_id).update(expires_at=timezone.now() + timedelta(days=days))


def test_need_about_to_expire_gets_an_sms_checkin_and_yes_renews(client: Any, twilio: Any) -> None:
    need = _need_via_sms(client, "NEED", "1", "11216", "2", "NO")
    assert checkins.checkins_send() == 0  # just posted: it expires in 30 days
    _expire_in(need, 8)
    assert checkins.checkins_send() == 0  # asked 7 days before the board would expire it (by default)
    _expire_in(need, 6)
    assert checkins.checkins_send() == 1
    assert checkins.checkins_send() == 0  # asked once
    question = OutboundMessage.objects.filter(kind="checkin").get()
    assert question.body == f"Do you still need help with request {need.code}? Reply YES or NO."
    post_twilio(client, PHONE, "yes")
    reply = OutboundMessage.objects.order_by("-pk").first()
    assert reply.body == f"Thanks. Your request {need.code} stays open."
    need.refresh_from_db()
    assert need.checkin_sent_at is None
    post = need.post
    assert post.status == "open" and post.expires_at - timezone.now() > timedelta(days=29)
    assert [(e.action, e.from_status, e.to_status, e.actor) for e in post.events.all()] == [
        ("post", "", "open", None),
        ("renew", "open", "open", None),
    ]


def test_spanish_checkin_and_no_closes(client: Any, twilio: Any) -> None:
    need = _need_via_sms(client, "NECESITO", "1", "Bushwick", "1", "NO")
    _expire_in(need, 2)
    checkins.checkins_send()
    assert OutboundMessage.objects.get(kind="checkin").body == (
        f"¿Todavía necesita ayuda con el pedido {need.code}? Responda SI o NO."
    )
    post_twilio(client, PHONE, "No")
    assert OutboundMessage.objects.order_by("-pk").first().body == (
        f"Cerramos su pedido {need.code}. Responda NECESITO cuando necesite ayuda."
    )
    post = Post.objects.get(pk=need.post_id)
    assert post.status == "withdrawn" and post.closed_at is not None
    assert post.events.last().action == "withdraw"
    assert post_twilio(client, PHONE, "ESTADO").status_code == 200
    assert (
        OutboundMessage.objects.order_by("-pk")
        .first()
        .body.startswith("No tiene pedidos ni ofertas abiertos")
    )


def test_opted_out_requester_is_not_checked_in(client: Any, twilio: Any) -> None:
    need = _need_via_sms(client, "NEED", "1", "11216", "2", "NO", "STOP")
    _expire_in(need, 1)
    assert checkins.checkins_send() == 0


def test_email_checkin_link_renews_or_closes(ben: Any, client: Any, settings: Any) -> None:
    settings.MUTUALAID_PUBLIC_URL = "https://aid.example.org"
    profile_update(user=ben, display_name="Ben", language="en", email="ben@example.org", phone="")
    need = member_request(ben, ben.memberships.get().group)
    _expire_in(need, 1)
    assert checkins.checkins_send() == 1
    email = OutboundMessage.objects.get(kind="checkin")
    assert email.subject == "Do you still need help?"
    link = email.body.split("Answer here: ")[1].split()[0]
    path = link.removeprefix("https://aid.example.org")
    page = client.get(path)
    assert page.status_code == 200 and "Yes, I still need help" in page.content.decode()
    response = client.post(path, {"answer": "no"})
    assert response.status_code == 200 and "Your request is closed" in response.content.decode()
    need.post.refresh_from_db()
    assert need.post.status == "withdrawn" and need.post.events.last().actor == ben
    assert client.post(path, {"answer": "maybe"}).status_code == 400


def test_broadcast_preview_then_send(
    ada: Any,
    ben: Any,
    cy: Any,
    client_for: Any,
    twilio: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    profile_update(user=ben, display_name="Ben", language="en", email="ben@example.org", phone="")
    NotificationPreference.objects.create(user=ben, broadcasts=True)
    NotificationPreference.objects.create(user=ada, broadcasts=False)  # did not opt in
    post_twilio(client, PHONE, "NEWS")  # a texter who asked for announcements
    post_twilio(client, "+17185550998", "HELP")  # a texter who did not
    post_twilio(client, "+17185550999", "NEWS")
    post_twilio(client, "+17185550999", "STOP")  # asked, then said STOP
    coordinator = client_for(ada)
    url = reverse("channels_broadcasts", kwargs={"slug": "crown"})
    page = coordinator.get(url).content.decode()
    assert "<li>by e-mail: 1</li><li>by text message: 1</li>" in page
    preview = coordinator.post(url, {"text": "Distribution moved to 5 pm"})
    assert preview.status_code == 200 and 'name="confirm" value="yes"' in preview.content.decode()
    assert not Broadcast.objects.exists()
    OutboundMessage.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator.post(url, {"text": "Distribution moved to 5 pm", "confirm": "yes"})
    assert response.status_code == 302
    broadcast = Broadcast.objects.get()
    assert (broadcast.email_count, broadcast.sms_count, broadcast.text) == (
        1,
        1,
        "Distribution moved to 5 pm",
    )
    sms = OutboundMessage.objects.get(channel="sms")
    assert sms.body == "Crown Heights Mutual Aid: Distribution moved to 5 pm" and sms.contact.phone == PHONE
    email = OutboundMessage.objects.get(channel="email")
    assert (
        email.recipient == "ben@example.org" and email.subject == "Announcement from Crown Heights Mutual Aid"
    )


def test_broadcast_api_and_validation(ada: Any, api_for: Any) -> None:
    api = api_for(ada)
    assert api.get("/api/v1/groups/crown/broadcasts/audience").json() == {"email": 0, "sms": 0}
    response = api.post(
        "/api/v1/groups/crown/broadcasts", {"text": "x" * 481}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "text": ["Use at most 480 characters, so it fits in a few text messages."]
    }
    assert (
        api.post("/api/v1/groups/crown/broadcasts", {"text": "Hi"}, content_type="application/json").json()[
            "email"
        ]
        == 0
    )


def test_gateway_page_saves_secrets_encrypted(ada: Any, client_for: Any) -> None:
    from django.db import connection

    url = reverse("channels_gateways", kwargs={"slug": "crown"})
    page = client_for(ada).get(url).content.decode()
    assert "/channels/sms/android/crown/" in page
    response = client_for(ada).post(
        url,
        {
            "kind": "android",
            "android-enabled": "on",
            "android-secret": "sig-key-123",
            "android-account": "sms",
            "android-api_url": "http://192.168.1.5:8080",
            "android-rate_per_minute": "10",
        },
    )
    assert response.status_code == 302
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret, api_url FROM channels_gateway")
        secret, api_url = cursor.fetchone()
    assert "sig-key-123" not in secret and "192.168" not in api_url
    bad = client_for(ada).post(
        url, {"kind": "generic", "generic-enabled": "on", "generic-rate_per_minute": "10"}
    )
    assert bad.status_code == 400
    assert "Enter the secret that signs this gateway&#x27;s webhooks." in bad.content.decode()


def test_purge_forgets_closed_requests_and_idle_contacts(client: Any, twilio: Any) -> None:
    need = _need_via_sms(client, "NEED", "1", "11216", "2", "NO")
    services.channels_purge()
    assert IntakeRequest.objects.exists()
    Post.objects.filter(pk=need.post_id).update(
        status="withdrawn", closed_at=timezone.now() - timedelta(days=31)
    )
    Contact.objects.update(last_message_on=timezone.localdate() - timedelta(days=31))
    counts = services.channels_purge(timezone.now())
    assert counts["requests"] == 1 and counts["contacts"] == 1
    assert not Contact.objects.exists()
    run_jobs()


def _quiet_for(request_or_post: Any, days: int) -> None:
    post_id = getattr(request_or_post, "post_id", None) or request_or_post.pk
    Post.objects.filter(pk=post_id).update(updated_at=timezone.now() - timedelta(days=days))


def test_need_quiet_for_n_days_gets_a_checkin_and_again_after_the_next_quiet_spell(
    client: Any, twilio: Any
) -> None:
    need = _need_via_sms(client, "NEED", "1", "11216", "2", "NO")
    _quiet_for(need, 6)
    assert checkins.checkins_send() == 0  # six quiet days, expiry far off
    _quiet_for(need, 7)
    assert checkins.checkins_send() == 1  # MUTUALAID_CHECKIN_DAYS (7) without activity
    assert checkins.checkins_send() == 0
    post_twilio(client, PHONE, "YES")  # renews: that is activity
    need.post.refresh_from_db()
    assert need.post.status == "open" and timezone.now() - need.post.updated_at < timedelta(minutes=1)
    assert checkins.checkins_send() == 0
    _quiet_for(need, 8)
    assert checkins.checkins_send() == 1
    assert OutboundMessage.objects.filter(kind="checkin").count() == 2


def test_activity_after_an_unanswered_checkin_starts_a_new_quiet_spell(
    client: Any, twilio: Any, ben: Any, ada: Any
) -> None:
    from mutualaid.exchange import services as exchange

    need = _need_via_sms(client, "NEED", "1", "11216", "2", "NO")
    _quiet_for(need, 7)
    assert checkins.checkins_send() == 1
    # A week passes without an answer (both clocks move back together), then a claim comes and goes.
    IntakeRequest.objects.filter(pk=need.pk).update(checkin_sent_at=timezone.now() - timedelta(days=8))
    _quiet_for(need, 15)
    claim = exchange.claim_create(post=need.post, claimant=ben)
    exchange.claim_decide(claim=claim, actor=ada, accept=False)  # back to open: activity
    assert checkins.checkins_send() == 0
    _quiet_for(need, 7)
    assert checkins.checkins_send() == 1


def test_a_members_own_quiet_need_gets_an_email_checkin(
    ben: Any, ada: Any, crown: Any, client: Any, client_for: Any, settings: Any
) -> None:
    from mutualaid.exchange import services as exchange

    settings.MUTUALAID_PUBLIC_URL = "https://aid.example.org"
    profile_update(user=ben, display_name="Ben", language="es", email="ben@example.org", phone="")
    post = exchange.post_create(
        group=crown, author=ben, data=exchange.PostInput(kind="need", category="food", title="Arroz")
    )
    offer = exchange.post_create(
        group=crown, author=ben, data=exchange.PostInput(kind="offer", category="food", title="Sopa")
    )
    _quiet_for(post, 7)
    _quiet_for(offer, 30)
    assert checkins.checkins_send() == 1  # the need; offers are not asked
    email = OutboundMessage.objects.get(kind="checkin")
    assert email.recipient == "ben@example.org" and email.subject == "¿Todavía necesita ayuda?"
    record = IntakeRequest.objects.get()
    assert record.post == post and record.user == ben and record.contact is None
    # It is not an SMS request: coordinators' SMS intake page does not list it.
    assert (
        record.code
        not in client_for(ada).get(reverse("channels_intake", kwargs={"slug": "crown"})).content.decode()
    )
    path = email.body.split("https://aid.example.org")[1].split()[0]
    assert client.post(path, {"answer": "yes"}).status_code == 200
    post.refresh_from_db()
    assert post.status == "open" and post.events.last().action == "renew"
    assert checkins.checkins_send() == 0


def test_no_checkin_for_members_who_want_no_email_or_posts_made_for_a_neighbour(
    ben: Any, ada: Any, crown: Any
) -> None:
    from mutualaid.exchange import services as exchange

    profile_update(user=ben, display_name="Ben", language="en", email="ben@example.org", phone="")
    NotificationPreference.objects.create(user=ben, email="never")
    own = exchange.post_create(
        group=crown, author=ben, data=exchange.PostInput(kind="need", category="food", title="Rice")
    )
    for_rosa = exchange.post_create(
        group=crown,
        author=ada,
        data=exchange.PostInput(
            kind="need",
            category="food",
            title="Groceries",
            on_behalf=exchange.ContactInput(name="Rosa", phone="+1 718 555 0155"),
        ),
    )
    _quiet_for(own, 10)
    _quiet_for(for_rosa, 10)
    assert checkins.checkins_send() == 0
    assert not OutboundMessage.objects.filter(kind="checkin").exists()
