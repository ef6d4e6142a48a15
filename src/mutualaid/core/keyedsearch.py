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

Chinese and Japanese are written without spaces, so a run of ideographs or kana is indexed as its single
characters and its overlapping pairs of characters ("我们需要大米" gives 我, 们, … and 我们, 们需, 需要,
要大, 大米); a query's run is found through its pairs (every pair of "大米和油" must be there), or its one
character. Pairs reveal more than words do: a short word is one token, so its frequency is read off
directly; that trade-off is documented in docs/security.md.

Arabic attaches "and", "the", "with the", "for the" to the word and adds suffixes for plural, feminine and
possession; Arabic words are light-stemmed (`arabic_stem`, Larkey's Light10 rules): "والمياه", "بالمياه"
and "مياه" share one stem, and prefixes of 4 to 7 characters are taken after the attached article.
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
CJK_RUN_MAX = 200  # a run of ideographs is a sentence, not a word: its pairs are kept further
QUERY_WORDS_MAX = 8
_WORD = re.compile(r"\w+")
# Han ideographs (with extensions and compatibility forms), hiragana and katakana.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_CJK_SPLIT = re.compile(f"([{_CJK}]+)")
_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
# Final ta marbuta as ha, alif maqsura as ya (Light10's normalisation).
_ARABIC_LETTERS = str.maketrans({"ة": "ه", "ى": "ي"})  # noqa: RUF001 - Arabic letters
# "and the", "with the", "like the", "so the", "for the", "the": the longest first.
_ARABIC_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
_ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")  # noqa: RUF001 - Arabic letters

_english = snowballstemmer.stemmer("english")
_spanish = snowballstemmer.stemmer("spanish")


def fold(text: str) -> str:
    """Lower case, no accents, compatibility forms unified (full-width letters, ligatures)."""
    if text.isascii():
        return text.lower()  # the same as below for ASCII, without a pass per character
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[str]:
    """The words of a text, folded; a run of CJK characters inside a word is a word of its own."""
    found = []
    for word in _WORD.findall(fold(text)):
        if _CJK_RUN.search(word) is None:
            found.append(word[:WORD_MAX])
            continue
        for piece in _CJK_SPLIT.split(word):
            if piece:
                found.append(piece[: CJK_RUN_MAX if is_cjk(piece) else WORD_MAX])
    return found


def is_cjk(word: str) -> bool:
    return _CJK_RUN.fullmatch(word) is not None


def is_arabic(word: str) -> bool:
    return _ARABIC.search(word) is not None


def cjk_pairs(run: str) -> list[str]:
    """Overlapping pairs of characters of a run (the run itself when it is one character)."""
    if len(run) < 2:
        return [run]
    return list(dict.fromkeys(run[i : i + 2] for i in range(len(run) - 1)))


def _arabic_normal(word: str) -> str:
    # Diacritics and hamza marks are gone already (NFKD + no combining marks in `fold`): alif with hamza or madda is alif.
    return word.replace("\u0640", "").translate(_ARABIC_LETTERS)


def arabic_base(word: str) -> str:
    """An Arabic word without its attached "and" and definite article (Light10's first two steps)."""
    word = _arabic_normal(word)
    if word.startswith("و") and len(word) >= 4:
        word = word[1:]
    for article in _ARABIC_ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            return word[len(article) :]
    return word


@functools.lru_cache(maxsize=50_000)
def arabic_stem(word: str) -> str:
    """Light10 (Larkey, Ballesteros and Connell, 2007): no "and", no article, each suffix of the list
    removed once, right to left, while two letters stay."""
    word = arabic_base(word)
    for suffix in _ARABIC_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
    return word


@functools.lru_cache(maxsize=50_000)
def stems(word: str) -> tuple[str, ...]:
    if is_arabic(word):
        return (arabic_stem(word),)
    return tuple(sorted({_english.stemWord(word), _spanish.stemWord(word)}))


def _prefix_base(word: str) -> str:
    return arabic_base(word) if is_arabic(word) else word


@functools.lru_cache(maxsize=50_000)
def terms_of_word(word: str) -> frozenset[str]:
    if is_cjk(word):
        return frozenset({f"c:{c}" for c in word} | {f"c:{pair}" for pair in cjk_pairs(word)})
    found = {f"s:{s}" for s in stems(word)}
    base = _prefix_base(word)
    for n in range(PREFIX_MIN, min(len(base), PREFIX_MAX) + 1):
        found.add(f"p:{base[:n]}")
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
    wanted: list[set[str]] = []
    for word in dict.fromkeys(words(query)):
        if is_cjk(word):  # every pair of the run (no spaces to tell its words apart)
            wanted.extend({f"c:{pair}"} for pair in cjk_pairs(word) if {f"c:{pair}"} not in wanted)
            continue
        alternatives = {f"s:{s}" for s in stems(word)}
        base = _prefix_base(word)
        if PREFIX_MIN <= len(base) <= PREFIX_MAX:
            alternatives.add(f"p:{base}")
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
