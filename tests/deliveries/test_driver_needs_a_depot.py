"""A new run has no depot yet: the page asks for one first instead of a driver form whose "Starts at"
list is empty and whose only answer was "This field is required" (the walk-through)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone


def test_the_driver_form_waits_for_a_depot(client_for: Any, ada: Any, crown: Any) -> None:
    from mutualaid.deliveries import services

    run = services.run_create(group=crown, actor=ada, day=timezone.localdate())
    url = reverse("deliveries_run", args=["crown", run.pk])
    driver_add = reverse("deliveries_driver_add", args=["crown", run.pk])
    html = client_for(ada).get(url).content.decode()
    assert "Add a depot first: a driver starts from one." in html
    assert driver_add not in html
    services.depot_add(run=run, actor=ada, name="Hub", area="11216")
    html = client_for(ada).get(url).content.decode()
    assert driver_add in html and "Add a depot first" not in html
