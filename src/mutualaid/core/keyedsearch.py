"""Search over sealed texts: keyed tokens of normalised, accent-folded, stemmed terms.

A sealed title cannot be searched by the database, so each text is cut into terms when it is written and
every term is stored as a keyed digest (HMAC-SHA256, first 8 bytes as a signed 64-bit integer) in a token
table. A search computes the same digests from the words typed and asks the table for them.

Terms of a word: its English and Spanish Snowball stems ("groceries" and "grocery" share `groceri`,
"comidas" and "comida" share `com`), and for words of at least `PREFIX_MIN` characters its prefixes of
`PREFIX_MIN`..`PREFIX_MAX` characters, so "strol" finds "stroller". Text is NFKD-normalised, accents are
dropped and case folded before anything else, so "niños" and "ninos" are one term.

Keys: every group has its own search key, derived from a sealing key of the key ring and the group's id,
so the same word in two groups gives two unrelated tokens. The key id is kept next to each post's tokens
(`Post.search_key`); `mutualaid keys rotate` + `reencrypt` re-tokenise under the new primary key.

What a seized token table reveals (docs/security.md): per group, how many distinct terms each post has and
how often each (unknown) term occurs — term frequencies, not words. Frequent tokens can be guessed by
frequency analysis against a language's word list (the commonest token of a food bank is probably "food");
prefix tokens add the number of characters of a word up to `PREFIX_MAX`. Without the key ring no token can
be checked against a guessed word.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable

import snowballstemmer  # type: ignore[import-untyped]

from mutualaid.core.encryption import KeyRing, KeyRingError, load_keyring

PREFIX_MIN = 4
PREFIX_MAX = 7
WORD_MAX = 40
QUERY_WORDS_MAX = 8
_WORD = re.compile(r"\w+")

_english = snowballstemmer.stemmer("english")
_spanish = snowballstemmer.stemmer("spanish")


def fold(text: str) -> str:
    """Lower case, no accents, compatibility forms unified (full-width letters, ligatures)."""
    if text.isascii():
        return text.lower()  # the same as below for ASCII, without a pass per character
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    return [w[:WORD_MAX] for w in _WORD.findall(fold(text))]


@functools.lru_cache(maxsize=50_000)
def stems(word: str) -> tuple[str, ...]:
    return tuple(sorted({_english.stemWord(word), _spanish.stemWord(word)}))


@functools.lru_cache(maxsize=50_000)
def terms_of_word(word: str) -> frozenset[str]:
    found = {f"s:{s}" for s in stems(word)}
    for n in range(PREFIX_MIN, min(len(word), PREFIX_MAX) + 1):
        found.add(f"p:{word[:n]}")
    return frozenset(found)


def index_terms(*texts: str) -> set[str]:
    """Every term a text is found by."""
    found: set[str] = set()
    for text in texts:
        for word in words(text):
            found |= terms_of_word(word)
    return found


def query_terms(query: str) -> list[set[str]]:
    """For each word typed (at most `QUERY_WORDS_MAX`), the terms any of which finds it."""
    wanted = []
    for word in dict.fromkeys(words(query)):
        alternatives = {f"s:{s}" for s in stems(word)}
        if PREFIX_MIN <= len(word) <= PREFIX_MAX:
            alternatives.add(f"p:{word}")
        wanted.append(alternatives)
    return wanted[:QUERY_WORDS_MAX]


def _ring() -> KeyRing:
    ring = load_keyring()
    if ring is None:
        raise KeyRingError("the key ring was destroyed")
    return ring


@functools.lru_cache(maxsize=1024)
def _group_key(key: bytes, group_id: int) -> bytes:
    return hmac.new(key, f"post-search\x00{group_id}".encode(), hashlib.sha256).digest()


def group_key(group_id: int, key_id: str | None = None) -> tuple[str, bytes]:
    """The search key of a group under key `key_id` (the primary key when None), with that key id."""
    ring = _ring()
    kid = key_id or ring.primary
    return kid, _group_key(ring.keys[kid], group_id)


def search_key_ids() -> list[str]:
    """Key ids tokens may be under: the primary first, then the older keys (during a re-tokenisation)."""
    ring = _ring()
    return [ring.primary, *sorted(k for k in ring.keys if k != ring.primary)]


def token(key: bytes, term: str) -> int:
    digest = hmac.digest(key, term.encode(), "sha256")  # one call into OpenSSL, no HMAC object
    return int.from_bytes(digest[:8], "big", signed=True)


def tokens(key: bytes, terms: Iterable[str], known: dict[str, int] | None = None) -> list[int]:
    """The tokens of `terms`; `known`, a cache of one key's tokens by term that a bulk caller keeps
    (a board's vocabulary is small next to its posts), saves most HMACs and is filled as it goes."""
    if known is None:
        return sorted({token(key, t) for t in terms})
    found = set()
    for term in terms:
        value = known.get(term)
        if value is None:
            value = known[term] = token(key, term)
        found.add(value)
    return sorted(found)
