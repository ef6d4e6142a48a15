"""``{% shared %}`` blocks (core/templatetags/fragments.py): the page reads byte for byte as if nothing were
kept, for each viewer, and what a viewer may see changes at the very next request when the data behind it
changes (a renamed group, a role, a logout, a new notice, a changed post)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.test import Client
from django.urls import reverse

from mutualaid.channels.models import Notice
from mutualaid.core.templatetags import fragments
from mutualaid.exchange.models import Post
from mutualaid.members.models import Membership, Role
from tests.exchange.conftest import make_post


def _page(response: Any) -> str:
    """The page without its CSRF tokens, which are masked afresh on every response."""
    assert response.status_code == 200, response.status_code
    return re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', response.content.decode()
    )


@pytest.fixture
def kept_off() -> Iterator[None]:
    yield
    fragments.ENABLED = True


def _both_ways(client: Client, url: str, query: dict[str, str] | None = None) -> str:
    """The page with every shared block rendered afresh, then twice from what is kept: all three the same."""
    fragments.ENABLED = False
    try:
        fresh = _page(client.get(url, query or {}))
    finally:
        fragments.ENABLED = True
    first = _page(client.get(url, query or {}))
    assert first == fresh
    assert _page(client.get(url, query or {})) == fresh
    return fresh


def test_board_reads_the_same_for_two_members_and_a_visitor(
    client_for: Any, ada: Any, ben: Any, fay: Any, crown: Any, kept_off: None
) -> None:
    post = make_post(crown, fay, title="Rice and beans", area="Wingate")
    board = reverse("exchange_board", args=[crown.slug])
    coordinator, member, visitor = client_for(ada), client_for(ben), Client()

    seen_by_ada = _both_ways(coordinator, board)
    seen_by_ben = _both_ways(member, board)
    seen_by_visitor = _both_ways(visitor, reverse("directory"))
    for page in (seen_by_ada, seen_by_ben):
        assert "Crown Heights Mutual Aid" in page and "Rice and beans" in page and "Log out" in page
    assert reverse("exchange_triage", args=[crown.slug]) in seen_by_ada
    assert reverse("exchange_triage", args=[crown.slug]) not in seen_by_ben
    assert "Log in" in seen_by_visitor and "Log out" not in seen_by_visitor
    # Each page carries its own address for the language switch, not the one of the page kept first.
    assert f'name="next" value="{board}"' in seen_by_ben
    assert 'name="next" value="/directory/"' in seen_by_visitor
    searched = _both_ways(member, board, {"q": "rice"})
    assert 'name="next" value="' + board + '?q=rice"' in searched and "Rice and beans" in searched

    # What the kept blocks are keyed on changes: the group's name, ben's role, a notice for ben, the post.
    crown.name = "Crown Heights Neighbours"
    crown.save(update_fields=["name"])
    Membership.objects.filter(user=ada, group=crown).update(role=Role.MEMBER)
    Membership.objects.filter(user=ben, group=crown).update(role=Role.COORDINATOR)
    Notice.objects.create(user=ben, kind="claim", context="{}")
    Post.objects.filter(pk=post.pk).update(title="Warm blanket", area_unplaced=True)

    seen_by_ada = _both_ways(coordinator, board)
    seen_by_ben = _both_ways(member, board)
    for page in (seen_by_ada, seen_by_ben):
        assert "Crown Heights Neighbours" in page and "Crown Heights Mutual Aid" not in page
        assert "Warm blanket" in page and "Rice and beans" not in page and "Area not placed" in page
    assert reverse("exchange_triage", args=[crown.slug]) not in seen_by_ada
    assert reverse("exchange_triage", args=[crown.slug]) in seen_by_ben
    assert '<span class="count">1</span>' in seen_by_ben
    assert '<span class="count">' not in seen_by_ada

    # A logout hides the member's header at once; the board then sends to the login page.
    member.logout()
    assert member.get(board).status_code == 302
    after_logout = _both_ways(member, reverse("directory"))
    assert after_logout == _page(visitor.get(reverse("directory")))
    assert "Log out" not in after_logout


def test_language_and_direction_are_part_of_the_key(
    client_for: Any, ben: Any, crown: Any, kept_off: None
) -> None:
    client = client_for(ben)
    board = reverse("exchange_board", args=[crown.slug])
    english = _both_ways(client, board)
    ben.language = "ar"
    ben.save(update_fields=["language"])
    arabic = _both_ways(client, board)
    assert '<html lang="en">' in english and 'dir="rtl"' not in english
    assert '<html lang="ar" dir="rtl">' in arabic and "Log out" not in arabic


def test_per_request_parts_render_every_time() -> None:
    template = Template(
        "{% load fragments %}{% shared key %}[{{ key }}|{{ key|upper }}|"
        "{% per_request %}{{ live }}{% end_per_request %}]{% endshared %}"
    )
    assert template.render(Context({"key": "a", "live": "x"})) == "[a|A|x]"
    # Same key: the kept text, the live part afresh.
    assert template.render(Context({"key": "a", "live": "<y>"})) == "[a|A|&lt;y&gt;]"
    assert template.render(Context({"key": "b", "live": "z"})) == "[b|B|z]"


@pytest.mark.parametrize(
    "source",
    [
        "{% shared key %}{{ key }}{{ member.name }}{% endshared %}",
        "{% shared key %}{% if member.is_staff %}x{% endif %}{% endshared %}",
        "{% shared key %}{{ key|default:member }}{% endshared %}",
        "{% shared key %}{% for i in member.posts %}{{ i }}{% endfor %}{% endshared %}",
        "{% load i18n %}{% shared key %}{% blocktranslate %}Hi {{ member }}{% endblocktranslate %}{% endshared %}",
        "{% shared key %}{% include 'tests/reads_member.html' %}{% endshared %}",
        "{% shared member %}{{ member.name }}{% endshared %}",
        "{% shared key %}{% with member=key %}{{ member }}{% endwith %}{{ member.name }}{% endshared %}",
    ],
)
def test_a_shared_block_cannot_read_what_its_key_does_not_name(source: str) -> None:
    """Reading a value left out of the key would keep the first viewer's text for everyone: refused."""
    engine = Engine(
        libraries={"fragments": "mutualaid.core.templatetags.fragments", "i18n": "django.templatetags.i18n"},
        loaders=[("django.template.loaders.locmem.Loader", {"tests/reads_member.html": "{{ member.name }}"})],
    )
    template = engine.from_string("{% load fragments %}" + source)
    with pytest.raises(TemplateSyntaxError, match="member"):
        template.render(Context({"key": 1, "member": {"name": "Ben", "is_staff": True, "posts": [1]}}))


def test_names_set_inside_a_shared_block_and_the_keys_fields_may_be_read() -> None:
    template = Template(
        "{% load fragments i18n %}{% shared group.items group.name %}{% for item in group.items %}{{ forloop.counter }}{{ item }}"
        "{% endfor %}{% get_current_language as here %}{{ here }}{{ LANGUAGE_CODE }}"
        "{% blocktranslate with name=group.name %}to {{ name }}{% endblocktranslate %}{% endshared %}"
    )
    assert (
        template.render(Context({"group": {"items": "ab", "name": "G"}, "LANGUAGE_CODE": "en"})) == "1a2ben"
        "ento G"
    )


@pytest.mark.parametrize(
    "source",
    [
        "{% shared %}{% for i in items %}{% per_request %}{{ i }}{% end_per_request %}{% endfor %}{% endshared %}",
        "{% shared %}{% with a=1 %}{% per_request %}{{ a }}{% end_per_request %}{% endwith %}{% endshared %}",
        "{% shared %}{% shared %}x{% endshared %}{% endshared %}",
        "{% shared %}{% if a %}{% block b %}x{% endblock %}{% endif %}{% endshared %}",
    ],
)
def test_what_cannot_be_kept_is_refused_when_compiled(source: str) -> None:
    with pytest.raises(TemplateSyntaxError):
        Template("{% load fragments %}" + source)


def test_a_marker_in_the_content_keeps_nothing() -> None:
    """Text that looks like a marker (it cannot come from a request: NUL is refused) is rendered afresh."""
    template = Template(
        "{% load fragments %}{% shared text %}{{ text }}{% per_request %}!{% end_per_request %}{% endshared %}"
    )
    node = template.nodelist.get_nodes_by_type(fragments.SharedNode)[0]
    assert isinstance(node, fragments.SharedNode)
    assert template.render(Context({"text": "\x00per-request-5\x00"})) == "\x00per-request-5\x00!"
    assert node.kept == {}


def test_the_board_after_a_panic(client_for: Any, ben: Any, fay: Any, crown: Any, own_keyring: Path) -> None:
    """The board reads the key ring once per page (exchange.selectors.board): a panic between two views shows
    on the second, which stays up, says so, and shows no sealed title."""
    make_post(crown, fay, title="Rice and beans")
    client = client_for(ben)
    board = reverse("exchange_board", args=[crown.slug])
    assert "Rice and beans" in _page(client.get(board))
    call_command("panic", "--yes", stdout=io.StringIO())
    after = _page(client.get(board))
    assert "The encryption keys of this server were destroyed." in after
    assert "Rice and beans" not in after
