"""Spanish role words are neutral: "persona coordinadora" / "coordinación", never "coordinadora" or
"coordinador" for everyone (issue 11)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.pure

SRC = Path(__file__).resolve().parents[2] / "src" / "mutualaid"
GENDERED = re.compile(r"(?<!persona )(?<!personas )\bcoordinador(?:a|as|es|/a)?\b", re.IGNORECASE)


def test_no_gendered_role_words_in_spanish() -> None:
    found = []
    for mo_path in sorted(SRC.glob("*/locale/es/LC_MESSAGES/django.mo")):
        with mo_path.open("rb") as catalogue:
            texts = gettext.GNUTranslations(catalogue)._catalog.values()  # type: ignore[attr-defined]
        found += [f"{mo_path.parts[-5]}: {text}" for text in texts if GENDERED.search(text)]
    assert not found, "\n".join(found)
