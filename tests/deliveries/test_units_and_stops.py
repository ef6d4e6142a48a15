"""What a tester found on the delivery pages: "1 units", hub restock needs named by raw coordinates,
and services (interpreting, childcare, a ride, a hearing) offered as stops of a run."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mutualaid.core.categories import Category, deliverable_categories
from mutualaid.deliveries import services
from mutualaid.exchange.models import Post
from tests.deliveries.conftest import PLACES, make_need, make_run


@pytest.fixture
def dan(crown: Any) -> Any:
    from mutualaid.members.models import Membership
    from tests.conftest import make_user

    user = make_user("dan")
    Membership.objects.create(user=user, group=crown)
    return user


def _run_url(run: Any) -> str:
    return reverse("deliveries_run", kwargs={"slug": "crown", "run_id": run.pk})


def test_one_unit_is_singular_in_english_and_spanish(
    client_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    run = make_run(crown, ada, dan, needs=1)
    services.run_plan(run=run, actor=ada)
    client = client_for(ada)
    html = client.get(_run_url(run)).content.decode()
    assert "1 unit ·" in html and "1 units" not in html
    ada.language = "es"
    ada.save(update_fields=["language"])
    html = client_for(ada).get(_run_url(run)).content.decode()
    assert "1 unidad ·" in html and "1 unidades" not in html
    services.run_publish(run=run, actor=ada)
    route = client_for(dan).get(reverse("deliveries_route", kwargs={"slug": "crown", "run_id": run.pk}))
    text = route.content.decode()
    assert "Bring 1 unit" in text and "1 units" not in text


def test_the_driver_reads_the_posts_own_unit_not_units_boxes(
    client_for: Any, crown: Any, ada: Any, ben: Any, dan: Any
) -> None:
    """A tester read "Bring 1 unit box" and "Lleva 2 unidades boxes": the post's unit follows the number."""
    run = make_run(crown, ada, dan, needs=1)
    stop = run.stops.get()
    Post.objects.filter(pk=stop.post_id).update(unit="boxes")
    stop.quantity = 2
    stop.save(update_fields=["quantity"])
    services.run_plan(run=run, actor=ada)
    services.run_publish(run=run, actor=ada)
    url = reverse("deliveries_route", kwargs={"slug": "crown", "run_id": run.pk})
    text = client_for(dan).get(url).content.decode()
    assert "Bring 2 boxes" in text and "units boxes" not in text
    dan.language = "es"
    dan.save(update_fields=["language"])
    text = client_for(dan).get(url).content.decode()
    assert "Lleva 2 boxes" in text and "unidades boxes" not in text


def test_only_goods_are_offered_as_stops(client_for: Any, crown: Any, ada: Any, ben: Any, dan: Any) -> None:
    run = make_run(crown, ada, dan, needs=0)
    food = make_need(crown, ben, "Rice and beans", PLACES[0])
    services_ = {
        make_need(crown, ben, title, PLACES[1], category=category).pk
        for title, category in (
            ("Spanish interpreting at the clinic", "skills"),
            ("Childcare on Saturday", "childcare"),
            ("A ride to the clinic", "transport"),
            ("Company at the eviction hearing", "housing"),
        )
    }
    page = client_for(ada).get(_run_url(run))
    offered = {value for value, _label in page.context["stop_form"].fields["post"].choices if value}
    assert food.pk in offered and not offered & services_
    with pytest.raises(ValidationError):
        services.stop_add(run=run, actor=ada, post=Post.objects.get(pk=min(services_)))


def test_deliverable_is_a_property_of_the_category() -> None:
    assert Category.FOOD.deliverable and Category.SUPPLIES.deliverable
    assert not Category.CHILDCARE.deliverable and not Category.TRANSPORT.deliverable
    assert not Category.MONEY.deliverable and not Category.HOUSING.deliverable
    assert set(deliverable_categories()) == {"food", "supplies", "disaster"}


def test_a_hub_restock_need_is_named_by_its_area_not_coordinates(crown: Any, ada: Any) -> None:
    from mutualaid.hubs import services as hubs
    from mutualaid.hubs.models import Hub

    hub = hubs.hub_create(
        group=crown,
        actor=ada,
        data=hubs.HubInput(name="Franklin fridge", kind="fridge", public=True, area="40.6803, -73.9493"),
    )
    assert hub.area == "11216"
    # A hub saved before with its map point as its area: the restock need still gets a name.
    Hub.objects.filter(pk=hub.pk).update(area="40.68, -73.95")
    hub.refresh_from_db()
    post = hubs.restock_ensure(hub=hub)
    assert post is not None and post.area == "11216"
