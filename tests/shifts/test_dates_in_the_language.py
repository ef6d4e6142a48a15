"""Shift pages and texts write their days in the member's language, with the language's own formats
(note 6): a Spanish member read "sáb 12 Dic, 10:00" (Django's `M` capitalises the month) on their shifts,
the series and the page title, where every other page writes "sáb 12 dic"."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from mutualaid.shifts import services
from tests.shifts.conftest import next_occurrence, role

CAPITALISED_MONTH = re.compile(r"\b(Ene|Feb|Mar|Abr|May|Jun|Jul|Ago|Sep|Oct|Nov|Dic)\b")
SPANISH_DAY = re.compile(
    r"\b(lun|mar|mié|jue|vie|sáb|dom) \d{1,2} (ene|feb|mar|abr|may|jun|jul|ago|sep|oct|nov|dic), 10:00"
)


def test_a_spanish_member_reads_spanish_days_on_the_shift_pages(
    client_for: Any, pantry: Any, ben: Any
) -> None:
    occurrence = next_occurrence(pantry)
    services.signup_create(occurrence=occurrence, role=role(pantry, "driver"), user=ben)
    ben.language = "es"
    ben.save(update_fields=["language"])
    client = client_for(ben)
    for path in (
        reverse("shifts_mine", args=["crown"]),
        reverse("shifts_series", args=["crown", pantry.pk]),
        reverse("shifts_occurrence", args=["crown", occurrence.pk]),
    ):
        html = client.get(path).content.decode()
        assert not CAPITALISED_MONTH.search(html), (path, CAPITALISED_MONTH.search(html))
    assert SPANISH_DAY.search(client.get(reverse("shifts_mine", args=["crown"])).content.decode())


@pytest.mark.parametrize(("language", "expected"), [("es", "sáb"), ("zh-hans", "星期六"), ("en", "Sat")])
def test_a_shift_in_a_text_reads_in_the_language(pantry: Any, language: str, expected: str) -> None:
    from mutualaid.shifts.notices import when

    occurrence = next_occurrence(pantry)
    with translation.override(language):
        text = when(occurrence)
    assert expected in text
    # Spanish writes its months in lower case; English capitalises them, and its "Mar" and "May" read as
    # Spanish capitals (this failed whenever the next Saturday fell in March or May).
    assert language == "en" or not CAPITALISED_MONTH.search(text), text
