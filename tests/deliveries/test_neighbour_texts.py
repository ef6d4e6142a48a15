"""'Your driver is on the way' to a neighbour without an account (issue 13): a text from the group's
number, in the language they texted in, only when the coordinator recorded their agreement on the stop,
once per stop however often the driver taps, and never the number on the driver's page or API. Through
the signed webhooks with the gateways' payload shapes (Twilio in, Android out) and the real outbox."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mutualaid.channels.models import Contact, IntakeRequest, OutboundMessage
from mutualaid.deliveries import services
from mutualaid.exchange import services as exchange
from tests.channels.conftest import (  # noqa: F401 - fixtures
    android,
    http_server,
    post_twilio,
    run_jobs,
    twilio,
)
from tests.deliveries.conftest import PLACES, make_need, make_run

PHONE = "+17185550177"
NECESITO = ["NECESITO", "1", "Crown Heights", "1", "Arroz y frijoles", "SI"]


@pytest.fixture
def dan(crown: Any) -> Any:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    user = make_user("dan")
    Membership.objects.create(user=user, group=crown)
    return user


def _texted_in(client: Any) -> IntakeRequest:
    for word in NECESITO:
        assert post_twilio(client, PHONE, word).status_code == 200
    return IntakeRequest.objects.select_related("post", "contact").get()


def _publish(run: Any, ada: Any) -> Any:
    services.run_settings(run=run, actor=ada, exact_routing=False, max_leg_min=None, relay_phone="")
    services.run_plan(run=run, actor=ada)
    return services.run_publish(run=run, actor=ada)[0]


def test_a_neighbour_who_texted_in_spanish_gets_one_text_in_spanish(
    client: Any,
    twilio: Any,  # noqa: F811
    http_server: Any,  # noqa: F811
    client_for: Any,
    api_for: Any,
    crown: Any,
    ada: Any,
    ben: Any,
    dan: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    request = _texted_in(client)
    assert request.language == "es" and request.post.author_id is None
    before = OutboundMessage.objects.count()
    run = make_run(crown, ada, dan, needs=0)
    # The coordinator ticks the neighbour's agreement on the page that adds the stop.
    page = client_for(ada).post(
        reverse("deliveries_stop_add", kwargs={"slug": "crown", "run_id": run.pk}),
        {"post": request.post.pk, "service_min": "5", "text_on_way": "yes"},
    )
    assert page.status_code == 302
    stop = run.stops.get()
    assert stop.text_on_way and stop.texted_at is None
    run = _publish(run, ada)
    stop.refresh_from_db()
    assert stop.driver is not None
    run_page = reverse("deliveries_run", kwargs={"slug": "crown", "run_id": run.pk})
    assert "agreed to a text" in client_for(ada).get(run_page).content.decode()
    # The driver's page and API never hold the neighbour's number.
    route = reverse("deliveries_route", kwargs={"slug": "crown", "run_id": run.pk})
    assert PHONE[2:] not in client_for(dan).get(route).content.decode()
    api = api_for(dan)
    start = f"/api/v1/groups/crown/deliveries/runs/{run.pk}/stops/{stop.pk}/start"
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(start)
        again = api.post(start)  # a retried tap
    assert first.status_code == 200 and first.json()["changed"] is True
    assert again.status_code == 200 and again.json()["changed"] is False
    body = json.dumps(first.json())
    assert PHONE[2:] not in body and "texted_at" in body
    (message,) = OutboundMessage.objects.filter(pk__gt=0).order_by("pk")[before:]
    assert message.kind == "notification" and message.contact_id == request.contact_id
    assert message.recipient == PHONE
    assert message.body.startswith(f"{crown.name}: la persona conductora va en camino con tu entrega")
    stop.refresh_from_db()
    assert stop.texted_at is not None
    assert "neighbour texted" in client_for(ada).get(run_page).content.decode()
    # Sent through Twilio's REST API from the group's number, exactly once.
    run_jobs()
    sent = [parse_qs(r["body"].decode()) for r in http_server.requests if "Messages" in r["path"]]
    mine = [s for s in sent if s["To"] == [PHONE] and "conductora" in s["Body"][0]]
    assert len(mine) == 1 and mine[0]["From"] == ["+17185550100"]
    # The page's button (a third press, from a stale page) changes nothing either.
    button = reverse("deliveries_start", kwargs={"slug": "crown", "run_id": run.pk, "stop_id": stop.pk})
    with django_capture_on_commit_callbacks(execute=True):
        assert client_for(dan).post(button).status_code == 302
    assert OutboundMessage.objects.count() == before + 1


def test_no_text_without_agreement_or_after_stop(
    client: Any,
    twilio: Any,  # noqa: F811
    crown: Any,
    ada: Any,
    ben: Any,
    dan: Any,
) -> None:
    request = _texted_in(client)
    run = make_run(crown, ada, dan, needs=0)
    services.stop_add(run=run, actor=ada, post=request.post, text_on_way=False)  # the coordinator says no
    run = _publish(run, ada)
    before = OutboundMessage.objects.count()
    stop, changed = services.stop_start(stop=run.stops.get(), user=dan)
    assert changed and stop.texted_at is None and OutboundMessage.objects.count() == before
    # Ticked, but the neighbour has since texted STOP: nothing either.
    run2 = make_run(crown, ada, dan, needs=0)
    Contact.objects.filter(pk=request.contact_id).update(opted_out=True)
    services.stop_add(run=run2, actor=ada, post=request.post, text_on_way=True)
    run2 = _publish(run2, ada)
    stop, changed = services.stop_start(stop=run2.stops.get(), user=dan)
    assert changed and stop.texted_at is None and OutboundMessage.objects.count() == before


def test_a_neighbour_entered_by_a_coordinator_is_texted_through_the_android_gateway(
    android: Any,  # noqa: F811
    http_server: Any,  # noqa: F811
    crown: Any,
    ada: Any,
    ben: Any,
    dan: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    post = exchange.post_create(
        group=crown,
        author=ada,
        data=exchange.PostInput(
            kind="need",
            category="food",
            title="Diapers",
            address="5 Side Street",
            **PLACES[1],
            on_behalf=exchange.ContactInput(name="Rosa", phone="+1 (718) 555-0155"),
        ),
    )
    post.contact.languages = ["es"]
    post.contact.save(update_fields=["languages"])
    run = make_run(crown, ada, dan, needs=0)
    # A member's own need is told in the app as they chose: the tick is refused there.
    with pytest.raises(ValidationError) as refused:
        services.stop_add(run=run, actor=ada, post=make_need(crown, ben, "Soup", PLACES[0]), text_on_way=True)
    assert "text_on_way" in refused.value.message_dict
    services.stop_add(run=run, actor=ada, post=post, text_on_way=True)
    run = _publish(run, ada)
    with django_capture_on_commit_callbacks(execute=True):
        stop, changed = services.stop_start(stop=run.stops.get(), user=dan)
    assert changed and stop.texted_at is not None
    (message,) = OutboundMessage.objects.filter(kind="notification")
    assert message.recipient == "+17185550155" and "persona conductora va en camino" in message.body
    # The coordinator who typed the need in is not told "your driver is on the way" as if it were theirs.
    from mutualaid.channels.models import Notice

    assert not Notice.objects.filter(user=ada, kind="delivery_on_the_way").exists()
    run_jobs()
    (sent,) = [json.loads(r["body"]) for r in http_server.requests]
    assert (
        sent["phoneNumbers"] == ["+17185550155"]
        and "persona conductora va en camino" in sent["textMessage"]["text"]
    )


def test_the_api_records_the_agreement(
    client: Any,
    twilio: Any,  # noqa: F811
    api_for: Any,
    crown: Any,
    ada: Any,
    ben: Any,
    dan: Any,
) -> None:
    request = _texted_in(client)
    run = make_run(crown, ada, dan, needs=0)
    answer = api_for(ada).post(
        f"/api/v1/groups/crown/deliveries/runs/{run.pk}/stops",
        data={"post_id": request.post.pk, "text_on_way": True},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["text_on_way"] is True and answer.json()["texted_at"] is None
    assert run.stops.get().text_on_way


def test_the_driver_is_not_told_the_recipient_knows_when_nobody_was_told(
    client: Any,
    client_for: Any,
    twilio: Any,  # noqa: F811
    crown: Any,
    ada: Any,
    ben: Any,
    dan: Any,
) -> None:
    """A neighbour who did not agree to a text hears nothing: the driver's page must not say otherwise."""
    request = _texted_in(client)
    run = make_run(crown, ada, dan, needs=0)
    services.stop_add(run=run, actor=ada, post=request.post, text_on_way=False)  # the coordinator says no
    run = _publish(run, ada)
    stop = run.stops.get()
    driver = client_for(dan)
    page = driver.post(
        reverse("deliveries_start", args=[crown.slug, run.pk, stop.pk]), follow=True
    ).content.decode()
    assert "The recipient knows you are on the way." not in page
    assert "the recipient is told" not in page
    assert "The recipient was not told" in page


def test_a_delivered_need_tells_nobody_to_arrange_it(
    client: Any,
    twilio: Any,  # noqa: F811
    crown: Any,
    ada: Any,
    ben: Any,
    dan: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # The walk-through: "delivered" paired the need with the driver through the board's life cycle, and
    # the pairing's own notices went out after the goods were at the door: the driver got "You are paired
    # up ... arrange the details in the conversation", and the neighbour who texted the need in got "Good
    # news: a neighbour can help with your request. We will text you to arrange it."
    from mutualaid.channels.models import Notice
    from mutualaid.exchange.models import Post
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    request = _texted_in(client)
    eve = make_user("eve")
    Membership.objects.create(user=eve, group=crown)
    claimed = make_need(crown, ben, "Soup", PLACES[0])
    exchange.claim_create(post=claimed, claimant=eve)  # eve offered to help; the group delivers it instead
    run = make_run(crown, ada, dan, needs=0)
    services.stop_add(run=run, actor=ada, post=request.post, text_on_way=False)
    services.stop_add(run=run, actor=ada, post=claimed)
    run = _publish(run, ada)
    before = OutboundMessage.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        for stop in run.stops.all():
            services.stop_report(stop=stop, user=dan, outcome="delivered")
    assert {p.status for p in Post.objects.filter(pk__in=[request.post.pk, claimed.pk])} == {"fulfilled"}
    assert not Notice.objects.filter(kind="claim_accepted").exists()
    assert OutboundMessage.objects.count() == before
