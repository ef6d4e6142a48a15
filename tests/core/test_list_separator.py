"""Lists a person reads are joined with their language's separator: "، " in Arabic, "、" in Chinese, ", "
elsewhere (core.speaking.join_list), in Python as in templates."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.utils import translation

from mutualaid.core.speaking import join_list
from mutualaid.exchange import services


@pytest.mark.parametrize(
    ("language", "joined"),
    [("en", "a, b, c"), ("es", "a, b, c"), ("fr", "a, b, c"), ("ar", "a، b، c"), ("zh-hans", "a、b、c")],
)
def test_join_list_speaks_the_current_language(language: str, joined: str) -> None:
    with translation.override(language):
        assert join_list(["a", "b", "c"]) == joined
        assert (
            Template("{% load mutualaid %}{{ v|join_list }}").render(Context({"v": ["a", "b", "c"]}))
            == joined
        )


@pytest.mark.parametrize(("language", "separator"), [("ar", "، "), ("zh-hans", "、"), ("en", ", ")])
def test_did_you_mean_lists_names_with_the_language_separator(
    crown: Any, monkeypatch: Any, language: str, separator: str
) -> None:
    monkeypatch.setattr(services, "area_suggestions", lambda group, area: ["Bedford", "Crown Heights"])
    with translation.override(language), pytest.raises(ValidationError) as caught:
        services.area_check(group=crown, area="Nowhere at all")
    [message] = caught.value.message_dict["area"]
    assert f"Bedford{separator}Crown Heights" in message


# `", ".join` that builds SQL, data or form values, not running text a person reads.
NOT_RUNNING_TEXT = {
    "channels/bulk.py",  # SQL column lists
    "exchange/search.py",  # SQL
    "exchange/importing/commit.py",  # SQL
    "core/rows.py",  # SQL column lists
    "exchange/selectors.py:marks = ",  # SQL placeholders
    "funds/selectors.py:marks = ",  # SQL placeholders
    "exchange/importing/rows.py:join(street)",  # an address line, stored as typed
    "exchange/exporting.py",  # CSV cells
    "exchange/management/commands/import.py",  # a stored title
    "groups/demo.py",  # the demo's printed account list
    "groups/forms.py",  # a text input's value, parsed back on save
    "shifts/views.py",  # a text input's value, parsed back on save
    "matching/engine/instance.py",  # an operator's error about an instance file (the engine imports no Django)
    "hubs/hours.py",  # opening hours written back as the text format they are typed in
    "deliveries/routing/roads.py",  # an operator's setting error (the engine imports no Django)
    # Operators' messages (command line, system checks, backups), in English like all of the CLI.
    "core/backup.py",
    "core/checks.py",
    "core/management/commands/seized_report.py",
    "core/management/commands/keys.py",
}


def test_no_running_text_is_joined_with_a_latin_comma() -> None:
    root = Path(__file__).resolve().parents[2] / "src" / "mutualaid"
    found = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(root).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), 1):
            allowed = relative in NOT_RUNNING_TEXT or any(
                entry.startswith(f"{relative}:") and entry.split(":", 1)[1] in line
                for entry in NOT_RUNNING_TEXT
            )
            if re.search(r"""["'], ["']\.join\(""", line) and not allowed:
                found.append(f"{relative}:{number}: {line.strip()}")
    assert not found, "use core.speaking.join_list for text a person reads:\n" + "\n".join(found)
