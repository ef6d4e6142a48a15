"""English and Spanish stay complete: every string of every app has a Spanish translation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import mutualaid

pytestmark = pytest.mark.pure

PACKAGE = Path(mutualaid.__file__).parent


def _entries(po: Path) -> list[tuple[str, str, bool]]:
    entries = []
    for block in po.read_text(encoding="utf-8").split("\n\n")[1:]:
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', block, re.M)
        if not msgid:
            continue
        key = "".join(re.findall(r'"(.*)"', msgid.group(1)))
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        values = ["".join(re.findall(r'"(.*)"', s)) for s in strings]
        entries.append((key, "|".join(values) if all(values) else "", "fuzzy" in block))
    return entries


def test_every_app_with_strings_has_a_spanish_catalogue() -> None:
    apps = [p for p in PACKAGE.iterdir() if (p / "apps.py").exists()]
    for app in apps:
        uses_gettext = any(
            "gettext" in f.read_text(encoding="utf-8")
            or "{% translate" in f.read_text(encoding="utf-8")
            or "{% blocktranslate" in f.read_text(encoding="utf-8")
            for f in list(app.rglob("*.py")) + list(app.rglob("*.html"))
        )
        if uses_gettext:
            assert (app / "locale/es/LC_MESSAGES/django.po").exists(), f"{app.name} has no Spanish catalogue"
            assert (app / "locale/es/LC_MESSAGES/django.mo").exists(), (
                f"{app.name}: compile the Spanish catalogue"
            )


def test_spanish_catalogues_are_complete_and_not_fuzzy() -> None:
    problems = []
    for po in PACKAGE.rglob("locale/es/LC_MESSAGES/django.po"):
        for key, value, fuzzy in _entries(po):
            if not value or fuzzy:
                problems.append(f"{po.relative_to(PACKAGE)}: {key!r}")
    assert not problems, "untranslated or fuzzy strings:\n" + "\n".join(problems)


def test_placeholders_survive_translation() -> None:
    problems = []
    for po in PACKAGE.rglob("locale/es/LC_MESSAGES/django.po"):
        for key, value, _fuzzy in _entries(po):
            wanted = set(re.findall(r"%\(\w+\)[sd]", key))
            for variant in value.split("|"):
                if wanted and set(re.findall(r"%\(\w+\)[sd]", variant)) - wanted:
                    problems.append(f"{key!r} -> {variant!r}")
    assert not problems, problems


def test_spanish_plurals_have_every_form_their_catalogue_declares() -> None:
    """A plural form missing from a catalogue makes gettext answer in English ("2 members" on a Spanish page)."""
    import gettext

    problems = []
    for mo in PACKAGE.rglob("locale/es/LC_MESSAGES/django.mo"):
        with mo.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)
        plural_ids = {key[0] for key in catalogue._catalog if isinstance(key, tuple)}  # type: ignore[attr-defined]
        for msgid in sorted(plural_ids):
            for count in (1, 2, 5, 1_000_000):
                if (msgid, catalogue.plural(count)) not in catalogue._catalog:  # type: ignore[attr-defined]
                    problems.append(f"{mo.relative_to(PACKAGE)}: {msgid!r} for {count}")
    assert not problems, "plural forms missing:\n" + "\n".join(problems)


def test_a_spanish_page_counts_in_spanish() -> None:
    from django.utils import translation

    with translation.override("es"):
        assert (
            translation.ngettext("%(counter)s member", "%(counter)s members", 2) % {"counter": 2}
            == "2 miembros"
        )
