from __future__ import annotations

from typing import Any

from mutualaid.channels.models import Contact, IntakeRequest


def test_demo_content_loads_twice_without_change(db: Any) -> None:
    from mutualaid.demo import load_demo

    load_demo()
    load_demo()
    assert IntakeRequest.objects.count() == 4 and Contact.objects.count() == 4
    spanish = IntakeRequest.objects.filter(group__slug="crown-heights", language="es").get()
    assert (
        spanish.post.private_note.endswith("Viaje a la clínica el jueves")
        and spanish.post.group == spanish.group
    )
    assert spanish.post.contact.phone_index == spanish.contact.phone_index
