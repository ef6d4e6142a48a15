"""Every language the site offers stays complete: every string of every app has a translation in each
language of settings.LANGUAGES (English is the source), none fuzzy, placeholders kept, every plural form."""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

import mutualaid

pytestmark = pytest.mark.pure

PACKAGE = Path(mutualaid.__file__).parent
# Every translated language: Spanish, Haitian Creole, French, and any added to settings.LANGUAGES.
LANGUAGES = [to_locale(code) for code, _name in settings.LANGUAGES if code != "en"]
ENTRY = re.compile(
    r'((?:^#.*\n)*)(?:^msgctxt ((?:".*"\n)+))?^msgid ((?:".*"\n)+)(?:^msgid_plural ((?:".*"\n)+))?'
    r'((?:^msgstr(?:\[\d+\])? (?:".*"(?:\n|\Z))+)+)',
    re.M,
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}|(?<!%)%[sd]|</?[a-z][^>]*>")


@dataclass(frozen=True)
class Entry:
    msgid: str
    plural: str
    values: tuple[str, ...]
    fuzzy: bool


def _text(quoted: str | None) -> str:
    return "".join(re.findall(r'"(.*)"', quoted or ""))


def _entries(po: Path) -> list[Entry]:
    """Each entry of a catalogue, found by its lines rather than by blank lines between entries: an
    entry written right under the header (no blank line) is still an entry."""
    entries = []
    for match in ENTRY.finditer(po.read_text(encoding="utf-8")):
        comments, _context, msgid, plural, strings = match.groups()
        if not _text(msgid):
            continue  # the header
        values = tuple(
            _text(s) for s in re.findall(r'^msgstr(?:\[\d+\])? ((?:".*"(?:\n|\Z))+)', strings, re.M)
        )
        fuzzy = any("fuzzy" in line for line in comments.splitlines() if line.startswith("#,"))
        entries.append(Entry(_text(msgid), _text(plural), values, fuzzy))
    return entries


def _catalogues(language: str) -> list[Path]:
    return sorted(PACKAGE.rglob(f"locale/{language}/LC_MESSAGES/django.po"))


def _apps_with_strings() -> list[Path]:
    apps = []
    for app in sorted(p for p in PACKAGE.iterdir() if (p / "apps.py").exists()):
        for source in list(app.rglob("*.py")) + list(app.rglob("*.html")):
            text = source.read_text(encoding="utf-8")
            if "gettext" in text or "{% translate" in text or "{% blocktranslate" in text:
                apps.append(app)
                break
    return apps


def test_the_entry_parser_sees_an_entry_glued_to_the_header(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
        '#: apps.py:9\nmsgid "Federation"\nmsgstr ""\n\n#, fuzzy\nmsgid "Open"\nmsgstr "Louvri"\n',
        encoding="utf-8",
    )
    assert _entries(po) == [Entry("Federation", "", ("",), False), Entry("Open", "", ("Louvri",), True)]


def test_every_translated_language_is_a_language_of_the_site() -> None:
    assert {"es", "ht", "fr"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_app_with_strings_has_a_compiled_catalogue(language: str) -> None:
    for app in _apps_with_strings():
        assert (app / f"locale/{language}/LC_MESSAGES/django.po").exists(), (
            f"{app.name} has no {language} catalogue"
        )
        assert (app / f"locale/{language}/LC_MESSAGES/django.mo").exists(), (
            f"{app.name}: compile the {language} catalogue"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogues_are_complete_and_not_fuzzy(language: str) -> None:
    problems = [
        f"{po.relative_to(PACKAGE)}: {entry.msgid!r}"
        for po in _catalogues(language)
        for entry in _entries(po)
        if entry.fuzzy or not all(entry.values)
    ]
    assert not problems, "untranslated or fuzzy strings:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    """A translation uses no placeholder or tag its English lacks (it would raise KeyError or break the
    page); outside plurals it keeps every one (a form of one may say "one" instead of its number)."""
    problems = []
    for po in _catalogues(language):
        for entry in _entries(po):
            wanted = sorted(PLACEHOLDER.findall(entry.msgid + entry.plural))
            for value in entry.values:
                found = PLACEHOLDER.findall(value)
                if set(found) - set(wanted) or (not entry.plural and sorted(found) != wanted):
                    problems.append(f"{po.relative_to(PACKAGE)}: {entry.msgid!r} -> {value!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_plurals_have_every_form_their_catalogue_declares(language: str) -> None:
    """A plural form missing from a catalogue makes gettext answer in English ("2 members" on a page in
    another language)."""
    problems = []
    mos = sorted(PACKAGE.rglob(f"locale/{language}/LC_MESSAGES/django.mo"))
    assert mos
    for mo in mos:
        with mo.open("rb") as handle:
            catalogue = gettext.GNUTranslations(handle)
        plural_ids = {key[0] for key in catalogue._catalog if isinstance(key, tuple)}  # type: ignore[attr-defined]
        for msgid in sorted(plural_ids):
            for count in (0, 1, 2, 5, 11, 1_000_000):
                if (msgid, catalogue.plural(count)) not in catalogue._catalog:  # type: ignore[attr-defined]
                    problems.append(f"{mo.relative_to(PACKAGE)}: {msgid!r} for {count}")
    assert not problems, "plural forms missing:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("language", "rule"), [("fr", "nplurals=2; plural=(n > 1);"), ("ht", "nplurals=2; plural=(n != 1);")]
)
def test_french_and_haitian_creole_catalogues_declare_their_plural_rule(language: str, rule: str) -> None:
    for po in _catalogues(language):
        assert f"Plural-Forms: {rule}" in po.read_text(encoding="utf-8"), po.relative_to(PACKAGE)


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [("es", "1 miembro.", "2 miembros."), ("fr", "1 membre.", "2 membres."), ("ht", "1 manm.", "2 manm.")],
)
def test_a_page_counts_in_its_language(language: str, one: str, many: str) -> None:
    from django.utils import translation

    with translation.override(language):
        assert [
            translation.ngettext("%(counter)s member.", "%(counter)s members.", n) % {"counter": n}
            for n in (1, 2)
        ] == [one, many]
        assert translation.gettext("Log in") != "Log in"
