"""What leaves the server: only announcements marked public, as Create Note, to each server's shared
inbox once; retries with backoff, a dead inbox given up; every outgoing document on the allow-list."""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mutualaid.federation import delivery, documents, remote, services
from mutualaid.federation.models import Activity, Delivery, DeliveryState, Follower

pytestmark = pytest.mark.django_db


def follower(group: Any, n: int, *, server: str = "social.example", shared: bool = True) -> Follower:
    actor = f"https://{server}/users/u{n}"
    return Follower.objects.create(
        group=group,
        actor_index=services._index(actor, "actor"),
        actor_url=actor,
        inbox_url=actor + "/inbox",
        shared_inbox_url=f"https://{server}/inbox" if shared else "",
        target_index=services.target_index(f"https://{server}/inbox" if shared else actor + "/inbox"),
    )


def broadcast(group: Any, author: Any, text: str, *, public: bool) -> Any:
    from mutualaid.channels.broadcasts import broadcast_send

    return broadcast_send(group=group, author=author, text=text, public=public)


def test_only_public_announcements_are_federated_once_per_server(
    crown: Any, ada: Any, sent: list[tuple[str, dict[str, Any]]], django_capture_on_commit_callbacks: Any
) -> None:
    for n in range(3):
        follower(crown, n)
    follower(crown, 9, server="other.example", shared=False)
    with django_capture_on_commit_callbacks(execute=True):
        broadcast(crown, ada, "Members only: the key is under the mat", public=False)
    assert not Activity.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        made = broadcast(crown, ada, "Pantry open Saturday 10-2 <b>all welcome</b>", public=True)
    assert made.public
    activity = Activity.objects.get()
    assert sorted(Delivery.objects.values_list("host", flat=True)) == ["other.example", "social.example"]
    assert delivery.run_due()["sent"] == 2
    urls = sorted(url for url, _ in sent)
    assert urls == ["https://other.example/users/u9/inbox", "https://social.example/inbox"]
    note = sent[0][1]["object"]
    assert note["type"] == "Note"
    assert note["content"] == "<p>Pantry open Saturday 10-2 &lt;b&gt;all welcome&lt;/b&gt;</p>"
    assert "key is under the mat" not in str(sent)
    # The outbox lists it; the object URL serves it.
    outbox = Client().get("/ap/groups/crown/outbox").json()
    assert outbox["totalItems"] == 1 and outbox["orderedItems"][0]["object"]["id"] == note["id"]
    assert Client().get(f"/ap/groups/crown/objects/{activity.pk}").json()["content"] == note["content"]


def test_an_unlisted_group_publishes_nothing(
    crown: Any, ada: Any, django_capture_on_commit_callbacks: Any
) -> None:
    crown.listed = False
    crown.save()
    with django_capture_on_commit_callbacks(execute=True):
        made = broadcast(crown, ada, "Hello", public=True)
    assert not made.public and not Activity.objects.exists()


def test_a_dead_inbox_is_retried_with_backoff_then_given_up(
    crown: Any, ada: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    follower(crown, 1, server="down.example")
    follower(crown, 2, server="gone.example")
    answers = {"down.example": None, "gone.example": 410}
    calls: list[str] = []

    def post(url: str, **_: Any) -> int:
        host = url.split("/")[2]
        calls.append(host)
        if answers[host] is None:
            raise remote.RemoteError("down")
        return int(answers[host] or 0)

    monkeypatch.setattr(remote, "post", post)
    with django_capture_on_commit_callbacks(execute=True):
        broadcast(crown, ada, "Hello", public=True)
    first = timezone.now()
    assert delivery.run_due(first) == {"sent": 0, "retry": 1, "gave_up": 1}
    down = Delivery.objects.get(host="down.example")
    assert down.state == DeliveryState.PENDING and down.attempts == 1
    assert timedelta(seconds=25) < down.next_attempt_at - first < timedelta(seconds=40)
    assert Delivery.objects.get(host="gone.example").state == DeliveryState.GAVE_UP  # 410: refused for good
    # Not due yet: nothing is sent.
    assert delivery.run_due(first) == {"sent": 0, "retry": 0, "gave_up": 0}
    # Past the give-up time the next failure ends it.
    Delivery.objects.filter(pk=down.pk).update(give_up_at=first + timedelta(seconds=60))
    assert delivery.run_due(first + timedelta(minutes=1))["gave_up"] == 1
    # Back up before giving up: delivered once.
    Delivery.objects.filter(pk=down.pk).update(
        state=DeliveryState.PENDING, give_up_at=first + timedelta(days=2)
    )
    answers["down.example"] = 202
    calls.clear()
    assert delivery.run_due(first + timedelta(hours=1))["sent"] == 1
    assert delivery.run_due(first + timedelta(hours=2))["sent"] == 0
    assert calls == ["down.example"]


def _keys(document: Any, path: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(document, dict):
        kind = document.get("type", path)
        for key, value in document.items():
            found.add(f"{kind}.{key}")
            found |= _keys(value, key)
    elif isinstance(document, list):
        for item in document:
            found |= _keys(item, path)
    return found


def test_every_outgoing_type_keeps_to_the_allow_list(
    crown: Any, ada: Any, ben: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    """Each kind of document this install sends, built from a group full of private data."""
    from tests.helpers import make_post

    make_post(crown, ben, title="Secret need: insulin", details="Apartment Qzx-4B, call 555-0100")
    actor = services.actor_for(crown)
    sent = [
        documents.actor(crown, actor.public_key_pem),
        documents.create_note(crown, activity_pk=1, text="Pantry open", published=timezone.now()),
        documents.accept(
            crown,
            activity_pk=2,
            follow={
                "id": "https://s.example/f/1",
                "type": "Follow",
                "actor": "https://s.example/u",
                "extra": "x",
            },
        ),
        documents.collection("https://x/outbox", total=1, items=[]),
        documents.collection("https://x/followers", total=3),
    ]
    # Events, built from a distribution day full of private details: only its public face travels.
    from mutualaid.core.publishing import PublicEvent
    from mutualaid.shifts import distribution

    emitted: list[PublicEvent] = []
    monkeypatch.setattr(distribution, "event_changed", emitted.append)
    with django_capture_on_commit_callbacks(execute=True):
        day = distribution.day_create(
            group=crown,
            title="Pantry",
            area="North side",
            address="Apartment Qzx-4B, 12 Hidden Lane",
            date=timezone.localdate() + timedelta(days=2),
            first_slot=time(10, 0),
            slot_minutes=30,
            slot_count=2,
            households_per_slot=2,
            public=True,
        )
        distribution.walk_in(slot=day.slots.first(), by=ada, name=f"{ben.username} insulin 555-0100")
        distribution._publish_day(day)
    event = emitted[-1]
    assert event.visible and event.area == "North side"
    start = timezone.now()
    for verb in ("Create", "Update", "Delete"):
        sent.append(
            documents.event_activity(
                crown, verb=verb, activity_pk=3, object_pk=3, event=event, published=start
            )
        )
    assert {doc["type"] for doc in sent} == {
        "Group", "Create", "Accept", "OrderedCollection", "Update", "Delete"
    }  # fmt: skip
    assert {doc["object"]["type"] for doc in sent[-3:]} == {"Event", "Tombstone"}
    allowed = {f"{kind}.{key}" for kind, keys in documents.ALLOWED.items() for key in keys}
    for doc in sent:
        assert _keys(doc) <= allowed | {"publicKey.id", "publicKey.owner", "publicKey.publicKeyPem"}, doc
        text = str(doc)
        for private in (
            "insulin",
            "Apartment",
            "Qzx-4B",
            "555-0100",
            ben.username,
            ada.username,
            "PRIVATE KEY",
            "Hidden Lane",
        ):
            assert private not in text
    assert "extra" not in str(sent[2])
    with pytest.raises(documents.NotAllowed):
        documents.checked({"type": "Note", "id": "x", "attributedTo": "y", "source": "members' names"})
    with pytest.raises(documents.NotAllowed):
        documents.checked({"type": "Person", "id": "x"})
    with pytest.raises(documents.NotAllowed):
        documents.checked({"type": "Place", "name": "North side", "address": "12 Hidden Lane"})


def test_purge_forgets_old_activity_ids_and_finished_deliveries(crown: Any, ada: Any) -> None:
    from mutualaid.federation.models import SeenActivity
    from mutualaid.federation.tasks import purge

    now = timezone.now()
    SeenActivity.objects.create(activity_index="old", received_at=now - timedelta(days=8))
    SeenActivity.objects.create(activity_index="new", received_at=now - timedelta(days=1))
    activity = Activity.objects.create(group=crown, kind="note", public=True, document="{}")
    for state, age in (("sent", 40), ("gave_up", 40), ("pending", 40), ("sent", 5)):
        Delivery.objects.create(
            activity=activity, inbox_url="https://s.example/inbox", host="s.example", state=state,
            give_up_at=now - timedelta(days=age),
        )  # fmt: skip
    assert purge.call() == 3
    assert list(SeenActivity.objects.values_list("activity_index", flat=True)) == ["new"]
    assert sorted(Delivery.objects.values_list("state", flat=True)) == ["pending", "sent"]
