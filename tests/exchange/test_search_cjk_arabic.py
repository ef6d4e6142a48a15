"""Search in Chinese and Arabic: a word inside a Chinese text written without spaces is found (runs of
characters are indexed as single characters and pairs), and Arabic attached "and"/articles and simple
suffixes are folded (light stemming), on the index and on the query side. Migration 0012 re-tokenises
the posts written before."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
import snowballstemmer  # type: ignore[import-untyped]
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from hypothesis import given, settings
from hypothesis import strategies as st

from mutualaid.core import keyedsearch
from mutualaid.exchange.models import Post, PostToken
from tests.exchange.conftest import make_post
from tests.exchange.test_board import _board

MIGRATION = importlib.import_module("mutualaid.exchange.migrations.0013_retokenise_cjk_arabic")
CATEGORIES = importlib.import_module("mutualaid.exchange.migrations.0012_posttoken_category")


def _migrate(target: str | None) -> None:
    """Migrate exchange to `target`; None: to the latest migrations (as every other test expects)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes() if target is None else [("exchange", target)])


def _titles(user: Any, group: Any, q: str) -> list[str]:
    return sorted(str(p.title) for p in _board(user, group, q=q).posts)


def test_a_chinese_word_inside_a_sentence_is_found(ben: Any, crown: Any) -> None:
    make_post(crown, ben, title="我们需要大米和油", details="")
    make_post(crown, ben, title="需要婴儿车", details="最好是双人的")
    make_post(crown, ben, title="Rice and oil", details="大米")
    assert _titles(ben, crown, "大米") == ["Rice and oil", "我们需要大米和油"]
    assert _titles(ben, crown, "油") == ["我们需要大米和油"]
    assert _titles(ben, crown, "需要") == ["我们需要大米和油", "需要婴儿车"]
    assert _titles(ben, crown, "婴儿车") == ["需要婴儿车"]
    assert _titles(ben, crown, "双人") == ["需要婴儿车"]  # in the details
    assert _titles(ben, crown, "大米 oil") == ["Rice and oil"]
    assert _titles(ben, crown, "米油") == []  # both characters, but never side by side
    assert _titles(ben, crown, "大米 婴儿") == []


def test_arabic_attached_words_and_suffixes_are_folded(ben: Any, crown: Any) -> None:
    make_post(crown, ben, title="نحتاج والمياه للأطفال", details="")
    make_post(crown, ben, title="سيارات للتوصيل", details="بالمدرسة")
    make_post(crown, ben, title="طعام", details="")
    water = ["نحتاج والمياه للأطفال"]
    assert _titles(ben, crown, "مياه") == water
    assert _titles(ben, crown, "المياه") == water
    assert _titles(ben, crown, "بالمياه") == water
    assert _titles(ben, crown, "فالمياه") == water
    assert _titles(ben, crown, "مِيَاه") == water  # diacritics are dropped
    assert _titles(ben, crown, "أطفال") == water  # hamza on alif folded, "for the" dropped
    assert _titles(ben, crown, "سيارة") == ["سيارات للتوصيل"]  # feminine singular finds the plural
    assert _titles(ben, crown, "المدرسة") == ["سيارات للتوصيل"]
    assert _titles(ben, crown, "وطعام") == ["طعام"]
    assert _titles(ben, crown, "مياه طعام") == []


@pytest.mark.parametrize(
    ("typed", "stem"),
    [
        ("مياه", "ميا"),
        ("والمياه", "ميا"),
        ("بالمياه", "ميا"),
        ("كالمياه", "ميا"),
        ("فالمياه", "ميا"),
        ("للمياه", "ميا"),
        ("المياه", "ميا"),
        ("مدرستها", "مدرست"),
        ("معلمون", "معلم"),
        ("معلمين", "معلم"),
        ("ولد", "ولد"),  # "و" is part of a three-letter word
        ("ال", "ال"),  # nothing would be left
    ],
)
def test_light_stemming(typed: str, stem: str) -> None:
    assert keyedsearch.arabic_stem(keyedsearch.fold(typed)) == stem


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet=st.characters(codec="latin-1") | st.sampled_from("ñçəšđżα ,.-"), max_size=30))
def test_terms_of_other_scripts_are_unchanged(text: str) -> None:
    """Only CJK and Arabic words got new terms (migration 0012 re-tokenises only posts that have them):
    elsewhere a word's terms are still its English and Spanish stems and its 4-7 character prefixes."""
    english, spanish = snowballstemmer.stemmer("english"), snowballstemmer.stemmer("spanish")
    expected = set()
    for word in re.findall(r"\w+", keyedsearch.fold(text)):
        word = word[: keyedsearch.WORD_MAX]
        expected |= {f"s:{english.stemWord(word)}", f"s:{spanish.stemWord(word)}"}
        expected |= {f"p:{word[:n]}" for n in range(4, min(len(word), 7) + 1)}
    assert keyedsearch.index_terms(text) == expected


def test_a_run_of_characters_is_cut_out_of_a_word() -> None:
    assert keyedsearch.words("rice大米oil") == ["rice", "大米", "oil"]
    assert keyedsearch.query_terms("大米和油") == [{"c:大米"}, {"c:米和"}, {"c:和油"}]


@pytest.mark.django_db(transaction=True)
def test_migration_re_tokenises_chinese_and_arabic_posts_only(
    ben: Any, crown: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    chinese = make_post(crown, ben, title="我们需要大米和油")
    arabic = make_post(crown, ben, title="والمياه")
    english = make_post(crown, ben, title="Rice and oil")
    before = set(PostToken.objects.filter(post=english).values_list("token", "created_at"))
    # Tokens as the older tokeniser wrote them: the whole run of characters, the word as written.
    old_terms = {chinese.pk: {"s:我们需要大米和油", "p:我们需要", "p:我们需要大"}, arabic.pk: {"s:والمياه"}}
    for post_id, terms in old_terms.items():
        post = Post.objects.get(pk=post_id)
        PostToken.objects.filter(post=post).delete()
        _kid, key = keyedsearch.group_key(crown.pk, post.search_key)
        PostToken.objects.bulk_create(
            PostToken(group=crown, post=post, token=t, created_at=post.created_at)
            for t in keyedsearch.tokens(key, terms)
        )
    assert _titles(ben, crown, "大米") == [] and _titles(ben, crown, "مياه") == []
    monkeypatch.setattr(MIGRATION, "BATCH", 2)  # two batches for three posts
    monkeypatch.setattr(CATEGORIES, "BATCH", 2)
    _migrate("0011_posttoken_walk")
    _migrate(None)  # 0012 and 0013
    assert _titles(ben, crown, "大米") == ["我们需要大米和油"]
    assert _titles(ben, crown, "مياه") == ["والمياه"]
    assert set(PostToken.objects.filter(post=english).values_list("token", "created_at")) == before
    dates = {p.pk: p.created_at for p in (chinese, arabic)}
    assert {
        d == dates[p]
        for p, d in PostToken.objects.filter(post_id__in=dates).values_list("post", "created_at")
    } == {True}
    MIGRATION.retokenise(None, connection.schema_editor())  # a rerun writes the same tokens
    assert _titles(ben, crown, "大米") == ["我们需要大米和油"]
    # 0012: every token carries its post's category, filled only where empty (a rerun carries on).
    categories = dict(Post.objects.values_list("pk", "category"))
    assert all(c == categories[p] for p, c in PostToken.objects.values_list("post_id", "category"))
    PostToken.objects.filter(post=english).update(category=None)
    PostToken.objects.filter(post=chinese).update(category="housing")
    CATEGORIES.fill_categories(None, connection.schema_editor())
    assert set(PostToken.objects.filter(post=english).values_list("category", flat=True)) == {"food"}
    assert set(PostToken.objects.filter(post=chinese).values_list("category", flat=True)) == {"housing"}
