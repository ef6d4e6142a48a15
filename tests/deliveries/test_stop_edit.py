"""Issue 13: a stop changes after it was added (quantity, minutes at the door, window, sealed door notes, the
neighbour's consent to an "on the way" text), from the run page without JavaScript and through the API
(PATCH); a published stop's driver is told what changed. And the re-plan confirmation reads the run's
status under the run's lock, so a run published a moment ago is asked about."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mutualaid.channels.models import Notice
from mutualaid.deliveries import services, views
from mutualaid.deliveries.models import DeliveryRun, Stop
from mutualaid.exchange import services as exchange
from tests.deliveries.conftest import PLACES, at, make_run


@pytest.fixture
def dan(crown: Any) -> Any:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    user = make_user("dan")
    Membership.objects.create(user=user, group=crown)
    return user


def _neighbour_stop(crown: Any, ada: Any, run: Any) -> Stop:
    """A stop for a neighbour without an account (entered by a coordinator), added without a text."""
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
    return services.stop_add(run=run, actor=ada, post=post, door_note="blue door, ring twice")


def _edit_url(stop: Stop) -> str:
    return reverse("deliveries_stop_edit", args=["crown", stop.run_id, stop.pk])


def _form(stop: Stop, **changes: str) -> dict[str, str]:
    data = {
        "quantity": str(stop.quantity),
        "service_min": str(stop.service_min),
        "window_start": "",
        "window_end": "",
        "text_on_way": "yes" if stop.text_on_way else "no",
        "door_note": "",
    }
    data.update(changes)
    return data


def test_the_coordinator_turns_the_text_on_and_the_sealed_note_stays_sealed(
    client_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    run = make_run(crown, ada, dan, needs=0)
    stop = _neighbour_stop(crown, ada, run)
    assert stop.text_on_way is False
    run_page = client_for(ada).get(reverse("deliveries_run", args=["crown", run.pk])).content.decode()
    assert _edit_url(stop) in run_page
    page = client_for(ada).get(_edit_url(stop))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="stop-edit"' in html
    assert "blue door" not in html and "This stop has door notes" in html  # sealed: never shown back
    done = client_for(ada).post(_edit_url(stop), _form(stop, text_on_way="yes", window_start="10:00"))
    assert done.status_code == 302
    stop.refresh_from_db()
    assert stop.text_on_way is True and stop.window_start == at(10) and stop.window_end is None
    assert stop.door_note == "blue door, ring twice"  # blank keeps the notes
    # New notes replace them; "remove" clears them.
    client_for(ada).post(_edit_url(stop), _form(stop, door_note="  side gate  ", window_start="10:00"))
    stop.refresh_from_db()
    assert stop.door_note == "side gate"
    client_for(ada).post(_edit_url(stop), _form(stop, remove_door_note="on", window_start="10:00"))
    stop.refresh_from_db()
    assert (
        stop.door_note == ""
        and "This stop has no door notes" in client_for(ada).get(_edit_url(stop)).content.decode()
    )


def test_a_refused_change_keeps_what_was_typed(
    client_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    run = make_run(crown, ada, dan, needs=1)
    stop = run.stops.get()
    before = (stop.quantity, stop.window_start, stop.window_end, stop.text_on_way)
    page = client_for(ada).post(
        _edit_url(stop), _form(stop, quantity="7", window_start="15:00", window_end="11:00", door_note="gate")
    )
    html = page.content.decode()
    assert page.status_code == 400
    assert "The window ends before it starts." in html
    assert 'value="7"' in html and 'value="15:00"' in html and 'value="gate"' in html
    # A member's own need: they are told in the app, so a text is refused on its field.
    refused = client_for(ada).post(_edit_url(stop), _form(stop, text_on_way="yes", quantity="3"))
    assert refused.status_code == 400 and "neighbours without an account" in refused.content.decode()
    stop.refresh_from_db()
    assert (stop.quantity, stop.window_start, stop.window_end, stop.text_on_way) == before
    # Others than the group's coordinators get nothing.
    assert client_for(ben).get(_edit_url(stop)).status_code in (403, 404)


def test_a_published_stops_driver_is_told_what_changed(
    client_for: Any,
    crown: Any,
    ada: Any,
    ben: Any,
    dan: Any,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    told_with: list[dict[str, Any]] = []
    real_notify = services.notify  # type: ignore[attr-defined]

    def notify(**kwargs: Any) -> None:
        if kwargs["kind"] == "delivery_stop_changed":
            told_with.append({k: kwargs["context"][k] for k in ("code", "what")})
        real_notify(**kwargs)

    monkeypatch.setattr(services, "notify", notify)
    run = make_run(crown, ada, dan, needs=2)
    services.run_plan(run=run, actor=ada)
    run, _changed = services.run_publish(run=run, actor=ada)
    stop = run.stops.exclude(driver=None).first()
    assert stop is not None
    with django_capture_on_commit_callbacks(execute=True):
        done = client_for(ada).post(_edit_url(stop), _form(stop, quantity=str(stop.quantity + 2)))
    assert done.status_code == 302
    (notice,) = Notice.objects.filter(kind="delivery_stop_changed")
    assert notice.user_id == dan.pk
    context = json.loads(notice.context)
    assert notice.url == reverse("deliveries_route", args=["crown", run.pk]) and context["title"]
    assert told_with == [{"code": stop.pk, "what": "what to bring"}]
    # Nothing the driver acts on changed (the same values again): nobody is told.
    with django_capture_on_commit_callbacks(execute=True):
        stop.refresh_from_db()
        _stop, changed, told = services.stop_edit(
            stop=stop,
            actor=ada,
            edit=services.StopEdit(
                quantity=stop.quantity,
                service_min=stop.service_min,
                window_start=stop.window_start,
                window_end=stop.window_end,
                text_on_way=False,
            ),
        )
    assert changed == [] and told is False
    assert Notice.objects.filter(kind="delivery_stop_changed").count() == 1
    # A stop the driver reported on no longer changes.
    services.stop_report(stop=stop, user=dan, outcome="delivered")
    with pytest.raises(ValidationError):
        services.stop_edit(
            stop=stop,
            actor=ada,
            edit=services.StopEdit(
                quantity=1, service_min=1, window_start=None, window_end=None, text_on_way=False
            ),
        )


def test_the_api_patches_only_what_is_sent(api_for: Any, crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan, needs=0)
    stop = _neighbour_stop(crown, ada, run)
    url = f"/api/v1/groups/crown/deliveries/runs/{run.pk}/stops/{stop.pk}"
    window = {"window_start": at(9).isoformat(), "window_end": at(11).isoformat()}
    answer = api_for(ada).patch(
        url, data={"text_on_way": True, "service_min": 8, **window}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["stop"]["text_on_way"] is True and body["stop"]["service_min"] == 8
    assert sorted(body["changed"]) == ["service_min", "text_on_way", "window_end", "window_start"]
    assert body["driver_told"] is False and "door_note" not in body["stop"]
    stop.refresh_from_db()
    assert stop.quantity == 1 and stop.door_note == "blue door, ring twice" and stop.window_end == at(11)
    # null removes a window's end; a bad window is a 422 naming the field, and nothing changes.
    cleared = api_for(ada).patch(url, data={"window_end": None}, content_type="application/json")
    assert cleared.status_code == 200 and cleared.json()["stop"]["window_end"] is None
    bad = api_for(ada).patch(url, data={"window_end": at(8).isoformat()}, content_type="application/json")
    assert bad.status_code == 422 and "window_end" in bad.json()["errors"]
    assert (
        api_for(ada).patch(url, data={"quantity": None}, content_type="application/json").status_code == 422
    )
    stop.refresh_from_db()
    assert stop.window_end is None and stop.window_start == at(9)
    assert api_for(ben).patch(url, data={"quantity": 2}, content_type="application/json").status_code in (
        403,
        404,
    )


def test_a_replan_asks_when_the_run_was_published_after_the_page_read_it(
    client_for: Any, crown: Any, ada: Any, ben: Any, dan: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The view reads the run (planned), another coordinator publishes, then the re-plan takes the lock:
    the status read under the lock decides, so the coordinator is asked and nothing is re-planned."""
    run = make_run(crown, ada, dan, needs=2)
    services.run_plan(run=run, actor=ada)
    stale = DeliveryRun.objects.get(pk=run.pk)
    assert stale.status == DeliveryRun.Status.PLANNED
    services.run_publish(run=run, actor=ada)
    monkeypatch.setattr(views, "_coordinator_run", lambda request, slug, run_id: (crown, stale))
    planned_at = DeliveryRun.objects.get(pk=run.pk).planned_at
    page = client_for(ada).post(reverse("deliveries_plan", args=["crown", run.pk]))
    assert page.status_code == 200 and 'name="confirm" value="1"' in page.content.decode()
    stop = run.stops.exclude(driver=None).first()
    assert stop is not None
    moved = client_for(ada).post(
        reverse("deliveries_stop_move", args=["crown", run.pk, stop.pk]), {"driver": str(stop.driver_id)}
    )
    assert moved.status_code == 200 and 'name="confirm" value="1"' in moved.content.decode()
    assert DeliveryRun.objects.get(pk=run.pk).planned_at == planned_at
    assert Stop.objects.get(pk=stop.pk).locked_to_id is None
    confirmed = client_for(ada).post(reverse("deliveries_plan", args=["crown", run.pk]), {"confirm": "1"})
    assert confirmed.status_code == 302
    assert DeliveryRun.objects.get(pk=run.pk).planned_at > planned_at
    assert timezone.now() >= DeliveryRun.objects.get(pk=run.pk).planned_at


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_replan_racing_a_publish_is_asked_or_goes_first(
    client_for: Any, crown: Any, ada: Any, ida: Any, ben: Any, dan: Any
) -> None:
    """Two coordinators on two connections: one publishes while the other presses "Re-plan" (no confirmation).
    Either the re-plan takes the run's lock first (a plan of an unpublished run: nobody is told) or it is asked
    about; never a re-plan of the published run without asking."""
    from tests.races import race, require_postgresql

    require_postgresql()
    for _attempt in range(3):
        run = make_run(crown, ada, dan, needs=2)
        services.run_plan(run=run, actor=ada)
        plan_url = reverse("deliveries_plan", args=["crown", run.pk])
        publisher, planner = client_for(ida), client_for(ada)
        published, replanned = race(
            [
                lambda: publisher.post(reverse("deliveries_publish", args=["crown", run.pk])),  # noqa: B023
                lambda: planner.post(plan_url),  # noqa: B023
            ]
        )
        assert not isinstance(published, BaseException) and published.status_code == 302
        assert not isinstance(replanned, BaseException)
        run.refresh_from_db()
        assert run.status == DeliveryRun.Status.PUBLISHED
        if replanned.status_code == 200:
            assert 'name="confirm" value="1"' in replanned.content.decode()
        else:
            assert replanned.status_code == 302 and "told" not in run.plan_stats


def _stored_point(stop: Stop) -> str:
    """The exact point's column as the database holds it (sealed: never the typed text)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT exact_point FROM deliveries_stop WHERE id = %s", [stop.pk])
        return str(cursor.fetchone()[0])


def test_the_coordinator_corrects_the_exact_point_sealed_and_audited(
    client_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    from mutualaid.core.models import SensitiveRead
    from mutualaid.deliveries.models import StopPointChange

    run = make_run(crown, ada, dan, needs=0)
    stop = _neighbour_stop(crown, ada, run)
    page = client_for(ada).get(_edit_url(stop)).content.decode()
    assert "This stop has no exact map point" in page and 'name="exact_point"' in page
    done = client_for(ada).post(_edit_url(stop), _form(stop, exact_point=" 40.6712, -73.9448 "))
    assert done.status_code == 302
    stop.refresh_from_db()
    assert stop.exact_point == "40.6712, -73.9448"
    assert "40.6712" not in _stored_point(stop)  # sealed at rest
    change = StopPointChange.objects.get(stop=stop)
    assert (change.by, change.removed) == (ada, False)
    page = client_for(ada).get(_edit_url(stop)).content.decode()
    assert "40.6712" not in page  # never shown back
    assert "This stop has an exact map point" in page and "Exact map point set by Ada" in page
    # Blank keeps it (no audit row); the box removes it (audited as removed).
    client_for(ada).post(_edit_url(stop), _form(stop, quantity="2"))
    stop.refresh_from_db()
    assert stop.exact_point == "40.6712, -73.9448" and StopPointChange.objects.filter(stop=stop).count() == 1
    client_for(ada).post(_edit_url(stop), _form(stop, remove_exact_point="on"))
    stop.refresh_from_db()
    assert stop.exact_point == "" and StopPointChange.objects.filter(stop=stop, removed=True).count() == 1
    assert "Exact map point removed by Ada" in client_for(ada).get(_edit_url(stop)).content.decode()
    # The plan routes on the corrected point when the run routes on exact points (that read is audited).
    services.stop_edit(
        stop=stop,
        actor=ada,
        edit=services.StopEdit(
            quantity=stop.quantity,
            service_min=stop.service_min,
            window_start=None,
            window_end=None,
            text_on_way=False,
            exact_point="40.6801, -73.9502",
        ),
    )
    run = services.run_settings(run=run, actor=ada, exact_routing=True, max_leg_min=None, relay_phone="")
    instance = services.run_instance(run, reader=ada)
    routed = next(s for s in instance["stops"] if s["id"] == f"s{stop.pk}")
    assert (routed["lat"], routed["lon"]) == (40.6801, -73.9502)
    assert SensitiveRead.objects.filter(subject_id=stop.pk, fields="exact_point").exists()


def test_a_wrong_exact_point_is_refused_with_what_was_typed(
    client_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    from mutualaid.deliveries.models import StopPointChange

    run = make_run(crown, ada, dan, needs=1)
    stop = run.stops.get()
    for typed in ("40.67 north", "95.0, -73.9"):
        page = client_for(ada).post(_edit_url(stop), _form(stop, exact_point=typed, quantity="4"))
        html = page.content.decode()
        assert page.status_code == 400 and "Give the map point as latitude, longitude" in html
        assert f'value="{typed}"' in html
    stop.refresh_from_db()
    assert stop.exact_point == "" and stop.quantity != 4
    assert not StopPointChange.objects.exists()


def test_the_api_corrects_and_removes_the_exact_point(
    api_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    from mutualaid.deliveries.models import StopPointChange

    run = make_run(crown, ada, dan, needs=0)
    stop = _neighbour_stop(crown, ada, run)
    url = f"/api/v1/groups/crown/deliveries/runs/{run.pk}/stops/{stop.pk}"
    answer = api_for(ada).patch(
        url, data={"exact_point": "40.6712,-73.9448"}, content_type="application/json"
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["changed"] == ["exact_point"] and body["driver_told"] is False
    assert "40.6712" not in answer.content.decode()
    stop.refresh_from_db()
    assert stop.exact_point == "40.6712,-73.9448"
    bad = api_for(ada).patch(url, data={"exact_point": "here"}, content_type="application/json")
    assert bad.status_code == 422 and "exact_point" in bad.json()["errors"]
    removed = api_for(ada).patch(url, data={"exact_point": ""}, content_type="application/json")
    assert removed.status_code == 200 and removed.json()["changed"] == ["exact_point"]
    stop.refresh_from_db()
    assert stop.exact_point == ""
    assert [c.removed for c in StopPointChange.objects.filter(stop=stop).order_by("id")] == [False, True]
    refused = api_for(ben).patch(url, data={"exact_point": "40.1,-73.1"}, content_type="application/json")
    assert refused.status_code in (403, 404)
    assert StopPointChange.objects.filter(stop=stop).count() == 2


def test_the_api_says_whether_a_stop_has_an_exact_point_never_the_point(
    api_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    run = make_run(crown, ada, dan, needs=0)
    stop = _neighbour_stop(crown, ada, run)
    run_url = f"/api/v1/groups/crown/deliveries/runs/{run.pk}"

    def listed() -> list[dict[str, Any]]:
        answer = api_for(ada).get(run_url)
        assert answer.status_code == 200, answer.content
        assert "40.6712" not in answer.content.decode()
        body = answer.json()
        return [s for r in body["routes"] for s in r["stops"]] + body["unrouted"] + body["unplanned"]

    assert [(s["id"], s["has_exact_point"]) for s in listed()] == [(stop.pk, False)]
    edited = api_for(ada).patch(
        f"{run_url}/stops/{stop.pk}",
        data={"exact_point": "40.6712,-73.9448"},
        content_type="application/json",
    )
    assert edited.status_code == 200 and edited.json()["stop"]["has_exact_point"] is True
    assert "40.6712" not in edited.content.decode()
    assert [(s["id"], s["has_exact_point"]) for s in listed()] == [(stop.pk, True)]
    api_for(ada).patch(
        f"{run_url}/stops/{stop.pk}", data={"exact_point": ""}, content_type="application/json"
    )
    assert [s["has_exact_point"] for s in listed()] == [False]


def test_the_audit_of_point_corrections_expires_with_the_audit_log(
    crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    from datetime import timedelta

    from django.conf import settings

    from mutualaid.core.retention import purge_expired
    from mutualaid.deliveries.models import StopPointChange

    run = make_run(crown, ada, dan, needs=2)
    old, new = list(run.stops.all())
    StopPointChange.objects.create(stop=old, by=ada)
    StopPointChange.objects.filter(stop=old).update(
        at=timezone.now() - timedelta(days=settings.MUTUALAID_AUDIT_RETENTION_DAYS + 1)
    )
    StopPointChange.objects.create(stop=new, by=ada)
    assert purge_expired()["audit of exact-point corrections"] == 1
    assert list(StopPointChange.objects.values_list("stop", flat=True)) == [new.pk]
