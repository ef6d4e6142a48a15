"""Housing pages in Spanish, with Spanish plurals."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from mutualaid.housing import services


def test_pages_speak_spanish(client_for: Any, proposed: Any, ben: Any, fay: Any) -> None:
    for member in (ben, fay):
        member.language = "es"
        member.save(update_fields=["language"])
    host = client_for(ben)
    host.cookies["django_language"] = "es"
    home = host.get(reverse("housing_home", args=["crown"])).content.decode()
    assert "Ofertas de alojamiento" in home and "hasta 5 noches" in home and "Propuesta" in home
    stay = host.get(reverse("housing_stay", args=["crown", proposed.pk])).content.decode()
    assert "Acepto alojar" in stay and "Esperando a que quien aloja acepte." in stay
    guest = client_for(fay)
    guest.cookies["django_language"] = "es"
    page = guest.get(reverse("housing_stay", args=["crown", proposed.pk])).content.decode()
    assert "Verás la dirección cuando la estancia esté acordada." in page
    services.stay_step(stay=proposed, actor=ben, action="agree")
    form = host.get(reverse("housing_offer_new", args=["crown"])).content.decode()
    assert "Ofrecer un lugar donde quedarse" in form and "Idiomas que se hablan en casa" in form
