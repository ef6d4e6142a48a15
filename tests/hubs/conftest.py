from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image


@pytest.fixture
def fridge(crown: Any, ada: Any) -> Any:
    """A public community fridge of Crown Heights, open at any time."""
    from mutualaid.hubs import services

    return services.hub_create(
        group=crown,
        actor=ada,
        data=services.HubInput(
            name="Franklin Ave fridge",
            kind="fridge",
            public=True,
            address="801 Franklin Ave, Brooklyn",
            area="40.6712, -73.9577",
            takes="Fresh produce, sealed food",
            refuses="Raw meat, alcohol",
            restock_category="food",
            restock_quantity=3,
            restock_unit="bags",
        ),
    )


@pytest.fixture
def backroom(crown: Any, ada: Any) -> Any:
    """A members-only pantry of Crown Heights."""
    from mutualaid.hubs import services

    return services.hub_create(
        group=crown,
        actor=ada,
        data=services.HubInput(
            name="Backroom pantry",
            kind="pantry",
            public=False,
            address="12 Secret Lane, back door",
            area="11216",
            hours="mon-fri 09:00-18:00\nsat 10:00-14:00",
        ),
    )


def image_bytes(kind: str = "JPEG", size: tuple[int, int] = (1600, 1200), gps: bool = False) -> bytes:
    """A photo as a phone sends it: with `gps`, EXIF carrying a camera, a date and a GPS position."""
    image = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x0132] = "2026:12:01 10:00:00"  # DateTime
        gps_ifd = {1: "N", 2: (40.0, 40.0, 16.2), 3: "W", 4: (73.0, 57.0, 27.7)}
        exif[0x8825] = gps_ifd  # GPSInfo
        image.save(out, kind, exif=exif.tobytes(), comment=b"taken at home")
    else:
        image.save(out, kind)
    return out.getvalue()
