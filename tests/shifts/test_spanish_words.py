"""The shift pages speak to the reader in neutral Spanish ("tú", no gender): the tester's demo run read
"★ estás apuntada" to Ben on the calendar."""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext

SPOKEN_TO_THE_READER = [
    "You are already signed up for this shift.",
    "You are already signed up for another shift at that time.",
    "★ you are signed up. Struck-through shifts are cancelled.",
    "You are not signed up for any coming shift.",
    "You are signed up as %(role)s.",
    "You are number %(n)s on the waitlist for %(role)s.",
]


def test_shift_words_to_the_reader_carry_no_gender() -> None:
    with translation.override("es"):
        spoken = {msgid: gettext(msgid) for msgid in SPOKEN_TO_THE_READER}
    for msgid, text in spoken.items():
        assert text != msgid, f"untranslated: {msgid}"
        assert not re.search(r"\b(apuntad[ao]|la número|el número)\b", text), text
