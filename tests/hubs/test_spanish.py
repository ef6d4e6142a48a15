"""Hub pages in Spanish: the find page, a hub, and the report form, with Spanish plurals."""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone, translation

from mutualaid.hubs import selectors, services
from mutualaid.hubs.models import Hub


def _spanish(client: Any) -> Any:
    client.cookies["django_language"] = "es"
    return client


def test_pages_speak_spanish(client_for: Any, fridge: Any) -> None:
    services.report_create(hub=fridge, condition="cleaning", food_level=0)
    Hub.objects.filter(pk=fridge.pk).update(last_report_at=timezone.now() - datetime.timedelta(hours=3))
    client = _spanish(client_for(None))
    find = client.get(reverse("hubs_find"), {"q": "11216"}).content.decode()
    assert "Encuentra una nevera o despensa" in find and "revisado hace 3 horas" in find
    assert "confirmado en la última semana" in find and "Nevera comunitaria" in find
    hub = client.get(reverse("hubs_hub", args=["crown", fridge.pk])).content.decode()
    assert "Necesita limpieza" in hub and "Abierto a cualquier hora." in hub and "Qué traer" in hub
    report = client.get(reverse("hubs_report", args=["crown", fridge.pk])).content.decode()
    assert "¿Cómo está ahora mismo?" in report and "A la mitad" in report and "Ya no está" in report


def test_spanish_plurals() -> None:
    now = timezone.now()
    with translation.override("es"):
        assert selectors.checked_ago(now - datetime.timedelta(hours=1), now) == "revisado hace 1 hora"
        assert selectors.checked_ago(now - datetime.timedelta(days=2), now) == "revisado hace 2 días"


def test_the_sketch_numbers_parse_in_spanish(client_for: Any, crown: Any, ada: Any) -> None:
    """A Spanish decimal comma in an SVG attribute (cx="77,1") draws nothing: numbers stay unlocalised."""
    import re

    for name, area in (("Near", "40.6803, -73.9493"), ("Far", "40.70, -73.80")):
        services.hub_create(group=crown, actor=ada, data=services.HubInput(name=name, area=area))
    find = _spanish(client_for(None)).get(reverse("hubs_find"), {"q": "11216"}).content.decode()
    svg = find[find.index("<svg") : find.index("</svg>")]
    numbers = re.findall(r' (?:cx|cy|r|x|y)="([^"]*)"', svg)
    assert len(numbers) >= 6
    for number in numbers:
        float(number)  # "77,1" raises
    for points in re.findall(r' points="([^"]*)"', svg):
        for pair in points.split():
            x, y = pair.split(",")
            float(x), float(y)
