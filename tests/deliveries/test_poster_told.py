"""The poster of a need hears when the driver could not deliver it and it is open again (the walk-through:
a stop marked "nobody home" reopened the need and its poster was never told). The notice comes in the
poster's language, through the notices every other event uses, and says only that the need is open
again and the driver's reason category: never the driver's note, name, address or phone, nor anyone's."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mutualaid.channels.models import Notice, OutboundMessage
from mutualaid.deliveries import services
from mutualaid.deliveries.models import DeliveryRun
from mutualaid.exchange.models import Post
from tests.deliveries.conftest import PLACES, make_need, make_run

DRIVER_PHONE = "+1 555 010 7777"


@pytest.fixture
def dan(crown: Any) -> Any:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    user = make_user("dan")
    user.phone, user.email = DRIVER_PHONE, "driver-dan@example.org"
    user.save(update_fields=["phone", "email"])
    Membership.objects.create(user=user, group=crown)
    return user


def _spanish_poster(user: Any) -> Any:
    user.email, user.language = "poster@example.org", "es"
    user.save(update_fields=["email", "language"])
    return user


def _published(crown: Any, ada: Any, dan: Any) -> DeliveryRun:
    run = make_run(crown, ada, dan)
    services.run_plan(run=run, actor=ada)
    return services.run_publish(run=run, actor=ada)[0]


def test_the_poster_hears_nobody_home_on_the_page_and_couldnt_deliver_by_the_api(
    crown: Any, ada: Any, ben: Any, dan: Any, client_for: Any, api_for: Any
) -> None:
    _spanish_poster(ben)
    run = _published(crown, ada, dan)
    first, second, third = run.stops.order_by("sequence")
    services.stop_report(stop=first, user=dan, outcome="delivered")
    assert not Notice.objects.filter(user=ben, kind__startswith="delivery_not").exists()

    page = client_for(dan).post(
        reverse("deliveries_report", kwargs={"slug": "crown", "run_id": run.pk, "stop_id": second.pk}),
        {"outcome": "nobody_home", "note": ""},
    )
    assert page.status_code == 302
    assert Post.objects.get(pk=second.post_id).status == "open"
    api = api_for(dan).post(
        f"/api/v1/groups/crown/deliveries/runs/{run.pk}/stops/{third.pk}/status",
        {"outcome": "failed", "note": "SECRET-NOTE dog loose at 5 Elm St"},
        content_type="application/json",
    )
    assert api.status_code == 200, api.content

    notices = list(Notice.objects.filter(user=ben).order_by("pk"))
    assert [n.kind for n in notices] == ["delivery_not_home", "delivery_not_delivered"]
    second_post, third_post = Post.objects.get(pk=second.post_id), Post.objects.get(pk=third.post_id)
    assert notices[0].url == reverse("exchange_post", kwargs={"slug": "crown", "post_id": second_post.pk})
    bodies = " ".join(OutboundMessage.objects.filter(user=ben).values_list("body", flat=True))
    assert second_post.title in bodies and third_post.title in bodies
    assert "Crown Heights Mutual Aid" in bodies
    assert "no había nadie" in bodies and "no pudo entregar" in bodies  # in ben's language
    for secret in ("SECRET", "Elm", "street 1", "ring twice", DRIVER_PHONE, "driver-dan", "Hub Road"):
        assert secret not in bodies
        assert not any(secret in n.context for n in notices)
    assert not any("dan" in n.context.lower() for n in notices)
    # nobody else is told: not the driver, not the coordinator
    assert not Notice.objects.filter(user__in=[dan, ada], kind__startswith="delivery_not").exists()

    inbox = client_for(ben).get(reverse("channels_notices")).content.decode()
    assert f"Abierta de nuevo, no había nadie: {second_post.title}" in inbox
    assert f"Abierta de nuevo, no se pudo entregar: {third_post.title}" in inbox


def test_a_driver_reporting_on_their_own_need_is_not_told(crown: Any, ada: Any, ben: Any) -> None:
    run = make_run(crown, ada, ben, needs=1)  # ben drives; the need is ada's
    services.run_plan(run=run, actor=ada)
    services.run_publish(run=run, actor=ada)
    stop = run.stops.get()
    Post.objects.filter(pk=stop.post_id).update(author=ben)  # ben drives to his own need
    services.stop_report(stop=stop, user=ben, outcome="nobody_home")
    assert not Notice.objects.filter(kind__startswith="delivery_not").exists()


def test_a_failed_report_tells_nobody(crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = _published(crown, ada, dan)
    stop = run.stops.order_by("sequence").first()
    assert stop is not None
    with pytest.raises(ValidationError):  # couldn't deliver needs a reason
        services.stop_report(stop=stop, user=dan, outcome="failed")
    assert not Notice.objects.filter(kind__startswith="delivery_not").exists()


def test_an_offer_the_driver_could_not_pick_up_tells_its_poster_so(
    crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    from tests.deliveries.test_extensions import make_offer

    ben.email = "poster@example.org"
    ben.save(update_fields=["email"])
    run = make_run(crown, ada, dan, needs=0)
    offer = make_offer(crown, ben, "Bread", PLACES[1], quantity=2)
    services.stop_add(run=run, actor=ada, post=offer)
    services.run_plan(run=run, actor=ada)
    services.run_publish(run=run, actor=ada)
    services.stop_report(stop=run.stops.get(), user=dan, outcome="failed", note="gate locked")
    (notice,) = Notice.objects.filter(user=ben)
    assert notice.kind == "delivery_not_picked_up"
    (message,) = OutboundMessage.objects.filter(user=ben)
    assert "could not pick up Bread" in message.body and "gate" not in message.body


@pytest.mark.parametrize("before", ["open", "claimed", "in_progress"])
def test_a_live_need_is_open_after_a_failed_stop_and_its_poster_hears_so(
    crown: Any, ada: Any, ben: Any, dan: Any, before: str
) -> None:
    from mutualaid.exchange import services as board
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    eve = make_user("eve")  # a neighbour who offered to help before the run
    Membership.objects.create(user=eve, group=crown)

    run = _published(crown, ada, dan)
    stop = run.stops.order_by("sequence").first()
    assert stop is not None
    if before != "open":
        claim = board.claim_create(post=stop.post, claimant=eve)
        if before == "in_progress":
            board.claim_decide(claim=claim, actor=ben, accept=True)
    assert Post.objects.get(pk=stop.post_id).status == before
    services.stop_report(stop=stop, user=dan, outcome="nobody_home")
    assert Post.objects.get(pk=stop.post_id).status == "open"
    told = Notice.objects.filter(kind__startswith="delivery_not")
    assert list(told.values_list("user__username", "kind")) == [("ben", "delivery_not_home")]


def test_a_need_that_expired_before_the_failed_stop_is_not_called_open_again(
    crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    _spanish_poster(ben)
    run = _published(crown, ada, dan)
    stop = run.stops.order_by("sequence").first()
    assert stop is not None
    Post.objects.filter(pk=stop.post_id).update(status="expired")  # the expiry job ran before the driver came
    services.stop_report(stop=stop, user=dan, outcome="nobody_home")
    assert Post.objects.get(pk=stop.post_id).status == "expired"
    (notice,) = Notice.objects.filter(user=ben)
    assert notice.kind == "delivery_not_done_expired"
    (message,) = OutboundMessage.objects.filter(user=ben)
    assert "abierta de nuevo" not in message.body.lower() and "renuévala" in message.body.lower()


@pytest.mark.parametrize("closed", ["withdrawn", "fulfilled"])
def test_a_need_closed_before_the_failed_stop_tells_nobody(
    crown: Any, ada: Any, ben: Any, dan: Any, closed: str
) -> None:
    run = _published(crown, ada, dan)
    stop = run.stops.order_by("sequence").first()
    assert stop is not None
    Post.objects.filter(pk=stop.post_id).update(status=closed)
    services.stop_report(stop=stop, user=dan, outcome="failed", note="gone")
    assert Post.objects.get(pk=stop.post_id).status == closed
    assert not Notice.objects.filter(kind__startswith="delivery_not").exists()


def test_a_need_taken_in_for_a_neighbour_tells_the_member_who_took_it_in(
    crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    # The neighbour has no account: ben, who took the need in for them, holds it on the board (claims and
    # expiry reminders reach him too) and is the one who can reach them. Nobody else hears, and the
    # neighbour gets no text (they agreed only to "your driver is on the way").
    from mutualaid.exchange import services as board

    run = make_run(crown, ada, dan, needs=0)
    need = make_need(
        crown, ben, "Diapers", PLACES[1], on_behalf=board.ContactInput(name="Rosa", phone="+1 718 555 0155")
    )
    services.stop_add(run=run, actor=ada, post=need)
    services.run_plan(run=run, actor=ada)
    services.run_publish(run=run, actor=ada)
    services.stop_report(stop=run.stops.get(), user=dan, outcome="nobody_home")
    told = Notice.objects.filter(kind__startswith="delivery_not")
    assert list(told.values_list("user__username", "kind")) == [("ben", "delivery_not_home")]
    assert not OutboundMessage.objects.filter(contact__isnull=False).exists()


def test_a_need_texted_in_without_an_author_tells_the_run_s_coordinator(
    crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    # Nobody owns a need that came by text message: like a claim on it (exchange.notices.claim_made), the
    # coordinators hear, here the one who runs the delivery; otherwise the need is back on the board unseen.
    from mutualaid.exchange import services as board
    from mutualaid.exchange.models import Contact

    run = make_run(crown, ada, dan, needs=0)
    contact = Contact.objects.create(group=crown, source="sms", languages=["en"])
    need = board.post_create_for_contact(
        group=crown,
        contact=contact,
        data=board.PostInput(kind="need", title="Rice", category="food", address="2 Oak street", **PLACES[2]),
    )
    services.stop_add(run=run, actor=ada, post=need)
    services.run_plan(run=run, actor=ada)
    services.run_publish(run=run, actor=ada)
    services.stop_report(stop=run.stops.get(), user=dan, outcome="failed", note="gate locked")
    assert Post.objects.get(pk=need.pk).status == "open"
    told = Notice.objects.filter(kind__startswith="delivery_not")
    assert list(told.values_list("user__username", "kind")) == [("ada", "delivery_not_delivered")]


def test_a_need_that_expired_before_it_was_delivered_is_fulfilled(
    crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    # The expiry job ran on the morning of the run; the driver still brought the groceries.
    run = _published(crown, ada, dan)
    stop = run.stops.order_by("sequence").first()
    assert stop is not None
    Post.objects.filter(pk=stop.post_id).update(status="expired")
    services.stop_report(stop=stop, user=dan, outcome="delivered")
    assert Post.objects.get(pk=stop.post_id).status == "fulfilled"
