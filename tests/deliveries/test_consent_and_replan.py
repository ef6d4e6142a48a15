"""Issue 13, what a tester found and what was still open: a neighbour who texts in a need for goods is
asked whether a driver may text them when setting out, and their answer fills a new stop's text choice;
a refused stop keeps what was typed; the group's own name is an area for a depot; re-planning a
published run asks first and tells the drivers whose routes changed; where travel times came from, in
plain words. SMS arrive through the signed Twilio and Android webhooks with the gateways' payloads."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mutualaid.channels.models import Contact, IntakeRequest, Notice
from mutualaid.deliveries import services
from mutualaid.deliveries.models import DeliveryRun
from mutualaid.deliveries.views import travel_note
from tests.channels.conftest import (  # noqa: F401 - fixtures
    android,
    android_event,
    http_server,
    post_android,
    post_twilio,
    twilio,
)
from tests.deliveries.conftest import PLACES, make_need, make_run

PHONE = "+17185550188"


@pytest.fixture
def dan(crown: Any) -> Any:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    user = make_user("dan")
    Membership.objects.create(user=user, group=crown)
    return user


def _replies(phone: str) -> list[str]:
    from mutualaid.channels.models import OutboundMessage

    return [m.body for m in OutboundMessage.objects.order_by("pk") if m.recipient == phone]


def _stop_url(run: Any) -> str:
    return reverse("deliveries_stop_add", kwargs={"slug": "crown", "run_id": run.pk})


def test_a_spanish_texter_agrees_and_the_stop_takes_their_answer(
    client: Any,
    twilio: Any,  # noqa: F811
    client_for: Any,
    crown: Any,
    ada: Any,
    ben: Any,
    dan: Any,
) -> None:
    for word in ["NECESITO", "1", "Crown Heights", "1", "Arroz"]:
        assert post_twilio(client, PHONE, word).status_code == 200
    request = IntakeRequest.objects.select_related("post").get()
    assert request.text_on_way is None  # filed already; the question rides on the thank-you
    assert "¿podemos enviarle un mensaje cuando salga? Responda SÍ o NO." in _replies(PHONE)[-1]
    assert post_twilio(client, PHONE, "Sí").status_code == 200
    request.refresh_from_db()
    assert request.text_on_way is True
    assert "le enviaremos un mensaje" in _replies(PHONE)[-1]
    run = make_run(crown, ada, dan, needs=0)
    # The coordinator leaves the choice at "as the neighbour answered": the stop takes the answer.
    page = client_for(ada).post(
        _stop_url(run), {"post": request.post.pk, "service_min": "5", "text_on_way": ""}
    )
    assert page.status_code == 302
    assert run.stops.get().text_on_way is True
    assert (
        "agreed to a text"
        in client_for(ada).get(reverse("deliveries_run", args=["crown", run.pk])).content.decode()
    )
    # ... and can still say no for this stop; a neighbour who said STOP since gets no text either.
    run2 = make_run(crown, ada, dan, needs=0)
    client_for(ada).post(_stop_url(run2), {"post": request.post.pk, "service_min": "5", "text_on_way": "no"})
    assert run2.stops.get().text_on_way is False
    Contact.objects.filter(pk=request.contact_id).update(opted_out=True)
    run3 = make_run(crown, ada, dan, needs=0)
    services.stop_add(run=run3, actor=ada, post=request.post)
    assert run3.stops.get().text_on_way is False


def test_an_english_texter_declines_through_the_android_gateway(
    client: Any,
    android: Any,  # noqa: F811
    api_for: Any,
    crown: Any,
    ada: Any,
    ben: Any,
    dan: Any,
) -> None:
    for k, word in enumerate(["NEED", "1", "Crown Heights", "2", "Rice please", "no"]):
        assert post_android(client, android_event(PHONE, word, message_id=f"m{k}")).status_code == 200
    request = IntakeRequest.objects.select_related("post").get()
    assert request.text_on_way is False
    assert "we will not text you" in _replies(PHONE)[-1]
    run = make_run(crown, ada, dan, needs=0)
    answer = api_for(ada).post(
        f"/api/v1/groups/crown/deliveries/runs/{run.pk}/stops",
        data={"post_id": request.post.pk},
        content_type="application/json",
    )
    assert answer.status_code == 201 and answer.json()["text_on_way"] is False


def test_another_message_is_read_afresh_and_other_needs_are_not_asked(
    client: Any,
    twilio: Any,  # noqa: F811
    crown: Any,
    ada: Any,
    ben: Any,
    dan: Any,
) -> None:
    for word in ["NEED", "1", "Crown Heights", "1", "no"]:
        post_twilio(client, PHONE, word)
    assert "Reply YES or NO" in _replies(PHONE)[-1]
    post_twilio(client, PHONE, "STATUS")  # not an answer: the question is dropped, STATUS answered
    assert "Your requests and offers" in _replies(PHONE)[-1]
    post_twilio(client, PHONE, "YES")  # too late: nothing pending, no consent recorded
    assert IntakeRequest.objects.get().text_on_way is None
    # A need no driver brings (housing) is not asked; the stop of a need never asked gets no text.
    from mutualaid.core.categories import Category

    served = [c.value for c in Category if c.value in (crown.categories or [])] or [c.value for c in Category]
    other = "+17185550199"
    for word in ["NEED", str(1 + served.index("housing")), "Crown Heights", "1", "no"]:
        post_twilio(client, other, word)
    assert "YES or NO" not in _replies(other)[-1]
    run = make_run(crown, ada, dan, needs=0)
    services.stop_add(run=run, actor=ada, post=IntakeRequest.objects.order_by("pk").first().post)
    assert run.stops.get().text_on_way is False


def test_a_refused_stop_keeps_what_was_typed(
    client_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    run = make_run(crown, ada, dan, needs=0)
    make_need(crown, ben, "Bread", PLACES[0])
    chosen = make_need(crown, ben, "Milk", PLACES[1])
    page = client_for(ada).post(
        _stop_url(run),
        {
            "post": chosen.pk,
            "service_min": "7",
            "window_start": "14:00",
            "window_end": "13:00",
            "door_note": "Blue door, knock loudly",
            "text_on_way": "",
        },
    )
    assert page.status_code == 400 and not run.stops.exists()
    html = page.content.decode()
    assert "The window ends before it starts." in html
    assert f'<option value="{chosen.pk}" selected>' in html
    assert 'value="14:00"' in html and 'value="13:00"' in html and "Blue door, knock loudly" in html
    assert 'name="service_min" value="7"' in html


def test_the_group_name_is_an_area_and_an_unknown_one_is_explained(crown: Any, ada: Any) -> None:
    from mutualaid.groups.models import Area

    run = services.run_create(
        group=crown, actor=ada, day=DeliveryRun._meta.get_field("date").to_python("2026-12-05")
    )
    depot = services.depot_add(
        run=run, actor=ada, name="Hub", area="crown heights"
    )  # "Crown Heights Mutual Aid"
    assert depot.lat is not None and abs(depot.lat - 40.6694) < 0.01 and depot.area == "crown heights"
    Area.objects.create(group=crown, name="Weeksville", name_key="weeksville", lat=40.674, lon=-73.925)
    with pytest.raises(ValidationError) as refused:
        services.depot_add(run=run, actor=ada, name="Hub 2", area="Qwzx Gardens")
    (message,) = refused.value.message_dict["area"]
    assert "Qwzx Gardens" in message and "Weeksville" in message


def _published_with_two_drivers(crown: Any, ada: Any, ben: Any, dan: Any) -> tuple[Any, Any, Any]:
    run = make_run(crown, ada, dan, needs=4, capacity=10)
    depot = run.depots.get()
    services.driver_add(run=run, actor=ada, data=services.DriverInput(member=ada, capacity=10, depot=depot))
    services.run_plan(run=run, actor=ada)
    run, _changed = services.run_publish(run=run, actor=ada)
    return run, run.drivers.get(member=dan), run.drivers.get(member=ada)


def test_replanning_a_published_run_asks_and_tells_the_drivers(
    client_for: Any,
    api_for: Any,
    crown: Any,
    ada: Any,
    ben: Any,
    dan: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    run, first, second = _published_with_two_drivers(crown, ada, ben, dan)
    stop = run.stops.exclude(driver=None).order_by("pk").first()
    mover, target = (first, second) if stop.driver_id == first.pk else (second, first)
    before = list(run.stops.order_by("pk").values_list("driver_id", "sequence"))
    # The page asks first; nothing moves until the coordinator confirms.
    move = reverse("deliveries_stop_move", args=["crown", run.pk, stop.pk])
    page = client_for(ada).post(move, {"driver": str(target.pk)})
    assert page.status_code == 200 and 'name="confirm" value="1"' in page.content.decode()
    assert list(run.stops.order_by("pk").values_list("driver_id", "sequence")) == before
    with pytest.raises(ValidationError):
        services.run_plan(run=run, actor=ada)
    refused = api_for(ada).post(f"/api/v1/groups/crown/deliveries/runs/{run.pk}/plan")
    assert refused.status_code == 422 and "confirm" in refused.json()["errors"]
    with django_capture_on_commit_callbacks(execute=True):
        done = client_for(ada).post(move, {"driver": str(target.pk), "confirm": "1"})
    assert done.status_code == 302
    stop.refresh_from_db()
    assert stop.driver_id == target.pk
    told = {n.user_id for n in Notice.objects.filter(kind="delivery_route_changed")}
    assert told == {mover.member_id, target.member_id}
    run.refresh_from_db()
    assert run.plan_stats["told"] == 2 and run.status == DeliveryRun.Status.PUBLISHED
    # A confirmed re-plan that changes nobody's route tells nobody.
    Notice.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        again = api_for(ada).post(f"/api/v1/groups/crown/deliveries/runs/{run.pk}/plan?confirm=true")
    assert again.status_code == 200
    changed = again.json()["run"]["drivers_told"]
    assert Notice.objects.filter(kind="delivery_route_changed").count() == changed


def test_a_plan_before_publishing_asks_nothing(
    client_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    run = make_run(crown, ada, dan, needs=2)
    page = client_for(ada).post(reverse("deliveries_plan", args=["crown", run.pk]))
    assert page.status_code == 302
    run.refresh_from_db()
    assert run.status == DeliveryRun.Status.PLANNED and "told" not in run.plan_stats
    html = client_for(ada).get(reverse("deliveries_run", args=["crown", run.pk])).content.decode()
    assert "estimated from straight-line distance" in html and "haversine" not in html


def test_travel_notes_are_plain_words() -> None:
    assert travel_note("") == ""
    assert "road map" in travel_note("road")
    assert "straight-line" in travel_note("haversine")
    note = travel_note("haversine (timed out)")
    assert "straight-line" in note and "timed out" in note and "haversine" not in note


def test_a_re_plan_keeps_reported_stops_with_the_driver_who_reported_them(
    client_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    # The walk-through: a re-plan after a driver had reported stops routed those stops again, so a stop
    # dan delivered could move to ada's route and read as delivered by her. Done stops stay as they were;
    # only the stops still to do are planned.
    from mutualaid.deliveries.models import Driver, Stop
    from tests.deliveries.conftest import at

    run, first, second = _published_with_two_drivers(crown, ada, ben, dan)
    # Either driver may have been given the stops (one car holds them all): the one who has them reports.
    done = run.stops.exclude(driver=None).order_by("driver_id", "sequence").first()
    assert done is not None
    reporter, other = (first, second) if done.driver_id == first.pk else (second, first)
    services.stop_report(stop=done, user=reporter.member, outcome="delivered")
    kept = Stop.objects.values_list("driver_id", "sequence").get(pk=done.pk)
    Driver.objects.filter(pk=reporter.pk).update(shift_start=at(8), shift_end=at(8))  # gone home
    run = services.run_plan(run=run, actor=ada, confirm=True)
    assert Stop.objects.values_list("driver_id", "sequence").get(pk=done.pk) == kept
    assert all(s.driver_id == other.pk for s in run.stops.filter(outcome="pending"))
    with pytest.raises(ValidationError, match="already reported"):
        services.stop_move(stop=done, actor=ada, driver=other)
    # The run page offers no move for it.
    page = client_for(ada).get(reverse("deliveries_run", args=["crown", run.pk])).content.decode()
    assert reverse("deliveries_stop_move", args=["crown", run.pk, done.pk]) not in page
    assert (
        reverse("deliveries_stop_move", args=["crown", run.pk, run.stops.filter(outcome="pending")[0].pk])
        in page
    )


def test_a_run_with_every_stop_reported_has_nothing_left_to_plan(
    client_for: Any, api_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    # The walk-through: the page still offered "Re-plan", asked to confirm it for a published run, and
    # only then said there was nothing to plan. Now it says so plainly, and the API says it without
    # asking for ``confirm`` first.
    run = make_run(crown, ada, dan, needs=1)
    services.run_plan(run=run, actor=ada)
    run, _changed = services.run_publish(run=run, actor=ada)
    page_url = reverse("deliveries_run", args=["crown", run.pk])
    plan_url = reverse("deliveries_plan", args=["crown", run.pk])
    assert 'id="plan"' in client_for(ada).get(page_url).content.decode()
    services.stop_report(stop=run.stops.get(), user=dan, outcome="nobody_home")
    nothing = "Every stop is reported: nothing is left to plan."
    for confirm in (False, True):
        with pytest.raises(ValidationError) as refused:
            services.run_plan(run=run, actor=ada, confirm=confirm)
        assert refused.value.messages == [nothing]
    page = client_for(ada).get(page_url).content.decode()
    assert 'id="plan"' not in page and plan_url not in page and nothing in page
    assert "re-planning or moving a stop asks first" not in page
    # A form sent from an older page is refused without the confirmation step.
    posted = client_for(ada).post(plan_url, follow=True)
    assert 'name="confirm"' not in posted.content.decode()
    assert [str(m) for m in posted.context["messages"]] == [nothing]
    for query in ("", "?confirm=true"):
        answer = api_for(ada).post(f"/api/v1/groups/crown/deliveries/runs/{run.pk}/plan{query}")
        assert answer.status_code == 422
        assert answer.json()["errors"] == {"__all__": [nothing]}
    run.refresh_from_db()
    assert run.status == DeliveryRun.Status.PUBLISHED


def test_a_run_without_stops_is_still_offered_a_plan_that_names_what_is_missing(
    client_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    run = make_run(crown, ada, dan, needs=0)
    assert (
        'id="plan"' in client_for(ada).get(reverse("deliveries_run", args=["crown", run.pk])).content.decode()
    )
    with pytest.raises(ValidationError, match="Add the needs to deliver"):
        services.run_plan(run=run, actor=ada)
