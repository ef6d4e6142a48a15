"""Display names nobody can mistake for another member's (THREATS.md: impersonation inside a group).

Two display names in one group clash when their *skeletons* are equal. A skeleton is what a name looks like
with everything that does not change its look taken away:

1. NFKC compatibility forms unified (full-width letters, ligatures, mathematical letters);
2. invisible characters dropped (zero-width spaces and joiners, bidirectional controls, soft hyphens:
   Unicode category Cf) and accents dropped (NFD, then no combining marks), so "José" is "Jose";
3. case folded;
4. every character replaced by one representative of its class of look-alikes from Unicode's
   confusables table (UTS #39), so "Ada" with a Cyrillic A and Latin "Ada", or "l", "I" and "1", are one;
5. spaces, punctuation and symbols dropped, so "Ada." and "A da" are "ada".

The look-alike table comes from `confusable_homoglyphs` (Unicode's confusables.txt as data, maintained,
pure Python, the table django-registration uses for the same purpose). It pairs each character with its
prototypes; the pairs are joined into classes here (union-find) so a skeleton is one lookup a character.
That over-joins a little (a class may hold two characters TR39 keeps apart): it errs towards refusing a
name that would have been fine, never towards letting a look-alike through.

Role words: a display name may not contain the skeleton of a role word ("Coordinator", "Coordinación",
"Admin", "Moderador", …) — the app shows roles itself, next to names, so a name claiming one only misleads.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from confusable_homoglyphs import confusables  # type: ignore[import-untyped]

# Whole words (as skeletons: accents, case and look-alikes are covered), in English and Spanish.
ROLE_WORDS = (
    "coordinator", "coordinators", "coordinador", "coordinadora", "coordinadores", "coordinadoras",
    "coordinacion", "coordination", "coordi", "coord",
    "admin", "admins", "administrator", "administrador", "administradora", "administracion",
    "moderator", "moderador", "moderadora", "mod",
    "organizer", "organiser", "organizador", "organizadora", "organizacion",
    "staff", "operator", "operador", "operadora", "team", "equipo", "support", "soporte",
)  # fmt: skip
# Distinctive stems that also count glued to another word ("AdaCoordinator", "Coordinación2").
ROLE_STEMS = ("coordinat", "coordinad", "coordinac", "administ", "moderat", "moderad")
_AFTER_FOLDING = {"i": "1", "o": "0"}
_WORD_BREAK = re.compile(r"[^\w]+")


@functools.cache
def _classes() -> dict[str, str]:
    """Character → representative of its look-alike class (single characters only)."""
    parent: dict[str, str] = {}

    def find(c: str) -> str:
        while parent.get(c, c) != c:
            parent[c] = parent.get(parent[c], parent[c])
            c = parent[c]
        return c

    def rank(c: str) -> tuple[bool, int]:  # ASCII letters and digits represent their class
        return (not (c.isascii() and c.isalnum()), ord(c))

    for source, entries in confusables.confusables_data.items():
        if len(source) != 1:
            continue
        for entry in entries:
            target = entry["c"].strip("\u200e\u200f")
            if len(target) != 1:
                continue
            a, b = find(source), find(target)
            if a != b:
                low, high = sorted((a, b), key=rank)
                parent[high] = low
    return {c: find(c) for c in parent}


def skeleton(name: str) -> str:
    """What `name` looks like, for comparing (never for showing)."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) not in ("Cf", "Mn")
    )
    classes = _classes()
    # Look-alikes before and after case folding: "I" (capital i) looks like "l" before, "İ" only after.
    text = "".join(classes.get(c, c) for c in text).casefold()
    # The table pairs capital I with l and 1, and capital O with 0; after folding, their small letters
    # join them too, so "Ida", "IDA" and "lda", or "Oona" and "0ona", are one.
    folded = (_AFTER_FOLDING.get(c, c) for c in (classes.get(c, c) for c in text))
    return "".join(c for c in folded if unicodedata.category(c)[0] in "LN")


@functools.cache
def _role_skeletons() -> tuple[frozenset[str], tuple[str, ...]]:
    return frozenset(skeleton(w) for w in ROLE_WORDS), tuple(skeleton(w) for w in ROLE_STEMS)


def claims_a_role(name: str) -> bool:
    """Whether `name` looks like it names a role ("Coördinator Ada", "ADMIN", "Coordinación")."""
    words, stems = _role_skeletons()
    visible = "".join(c for c in unicodedata.normalize("NFKC", name) if unicodedata.category(c) != "Cf")
    if any(skeleton(word) in words for word in _WORD_BREAK.split(visible)):
        return True
    whole = skeleton(name)
    return any(whole.startswith(stem) or whole.endswith(stem) or stem in whole for stem in stems)


def clashes(name: str, others: list[str]) -> str | None:
    """The first of `others` that `name` could be mistaken for, if any."""
    shape = skeleton(name)
    if not shape:
        return None
    for other in others:
        if skeleton(other) == shape:
            return other
    return None
