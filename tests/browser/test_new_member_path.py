"""The whole path of a new member, at 390 px, in English and Spanish, with JavaScript on and off (issue 11).

An invitation link is opened (with JavaScript the token after "#" is posted by the page; without it the
link is pasted into the form), the newcomer signs up in their language, posts a first need, a
coordinator (second factor) offers to help, the newcomer sees the notice in the header and the inbox,
follows it and accepts, the coordinator sees "you are paired up" in their notices and writes in the
conversation, and the newcomer reads the message from the notice and answers. Every page is checked to
fit the phone's width (nothing wider than 390 px).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.pages import click_through, settled_width
from tests.conftest import PASSWORD

PHONE_390 = {"width": 390, "height": 844}

WORDS = {
    "en": {
        "invited": "You are invited to join Crown Heights Mutual Aid",
        "join": "Join",
        "welcome": "Welcome to Crown Heights Mutual Aid!",
        "ask": "Ask for something",
        "post": "Post",
        "posted": "Your post is on the board.",
        "help": "I can help",
        "notices": "Notices",
        "claimed": "Someone will help with your need",
        "accept": "Accept",
        "paired": 'You are paired up: "{title}"',
        "conversation": "Conversation",
        "send": "Send",
        "message": "New message from {name}",
        "title": "Nappies and milk for my baby",
        "hello": "I can bring them tonight at 7. Does that work?",
        "answer": "Yes, thank you! Ring twice.",
    },
    "es": {
        "invited": "Te invitan a unirte a Crown Heights Mutual Aid",
        "join": "Unirme",
        "welcome": "¡Bienvenida, bienvenido a Crown Heights Mutual Aid!",
        "ask": "Pedir algo",
        "post": "Publicar",
        "posted": "Tu publicación está en el tablón.",
        "help": "Puedo ayudar",
        "notices": "Avisos",
        "claimed": "Alguien ayudará con tu necesidad",
        "accept": "Aceptar",
        "paired": 'Ya tiene pareja para: "{title}"',
        "conversation": "Conversación",
        "send": "Enviar",
        "message": "Nuevo mensaje de {name}",
        "title": "Pañales y leche para mi bebé",
        "hello": "Puedo llevarlos esta noche a las 7. ¿Le va bien?",
        "answer": "Sí, ¡gracias! Toque dos veces.",
    },
}


def _tab(browser: Any, live_server: Any, *, lang: str, js: bool) -> Any:
    context = browser.new_context(
        viewport=PHONE_390, locale="es-ES" if lang == "es" else "en-US", java_script_enabled=js
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.base_url = live_server.url
    return page


def _fits(page: Any) -> None:
    """Nothing on the page is wider than the phone (no sideways scrolling)."""
    page.wait_for_load_state()
    width = settled_width(page)
    assert width <= PHONE_390["width"], f"{page.url} is {width} px wide"


def _log_in_coordinator(page: Any, user: Any) -> None:
    from tests.totp import code_for

    page.goto(page.base_url + "/accounts/login/")
    page.locator("input[name=login]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.locator("input[name=code]").wait_for()
    page.locator("input[name=code]").fill(code_for(user))
    click_through(page, page.locator("input[name=code]"), key="Enter")
    assert "/accounts/" not in page.url


def _open_notice(page: Any, words: dict[str, str], subject: str) -> None:
    """From any page: the header shows the unread count; the inbox lists the notice; it links to its object."""
    page.goto(page.base_url + "/")
    link = page.get_by_role("link", name=words["notices"])
    assert link.locator(".count").inner_text().strip() != ""  # server-rendered unread count
    click_through(page, link)
    _fits(page)
    click_through(page, page.get_by_role("link", name=subject))


@pytest.fixture
def cleared_cache() -> Iterator[None]:
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_invitation_sign_up_first_need_notices_claim_and_messages(
    browser: Any, live_server: Any, cleared_cache: None, crown: Any, ada: Any, ben: Any, lang: str, js: bool
) -> None:
    from mutualaid.exchange.models import Claim, Message, Post
    from mutualaid.members.models import Membership, User
    from mutualaid.members.services import invitation_create

    words = WORDS[lang]
    ada.language = lang
    ada.save(update_fields=["language"])
    _invitation, token = invitation_create(group=crown, created_by=ben)
    link = f"{live_server.url}/invite/#{token}"

    # 1. The invitation: the link opens it (JS posts the token); without JS the link is pasted.
    nia = _tab(browser, live_server, lang=lang, js=js)
    if js:
        nia.goto(link, wait_until="commit")
    else:
        nia.goto(nia.base_url + "/invite/")
        _fits(nia)
        nia.locator("input[name=token]").fill(link)
        nia.locator("input[name=token]").press("Enter")
    nia.get_by_role("heading", name=words["invited"]).wait_for()
    assert nia.locator("html").get_attribute("lang") == lang
    assert token not in nia.url
    _fits(nia)

    # 2. Sign-up, in the page's language.
    assert nia.locator("#id_language").input_value() == lang
    nia.locator("input[name=username]").fill("nia")
    nia.locator("input[name=password]").fill(PASSWORD)
    nia.locator("input[name=display_name]").fill("Nia")
    nia.get_by_role("button", name=words["join"], exact=True).click()
    nia.wait_for_url("**/g/crown/")
    expect(nia.get_by_text(words["welcome"])).to_be_visible()
    member = User.objects.get(username="nia")
    assert member.language == lang and Membership.objects.filter(user=member, group=crown).exists()
    _fits(nia)

    # 3. The first need, from the board.
    nia.goto(nia.base_url + "/g/crown/board/")
    _fits(nia)
    nia.get_by_role("link", name=words["ask"]).click()
    nia.wait_for_url("**/board/new/**")
    _fits(nia)
    nia.locator("select[name=category]").select_option("food")
    nia.locator("input[name=title]").fill(words["title"])
    nia.locator("input[name=area]").fill("11216")
    nia.get_by_role("button", name=words["post"], exact=True).click()
    nia.get_by_text(words["posted"]).wait_for()
    post = Post.objects.get(author=member)
    assert post.title == words["title"] and post.cell  # placed, so matching and "nearest" find it
    expect(nia.get_by_role("heading", name=words["title"])).to_be_visible()
    _fits(nia)

    # 4. A coordinator offers to help.
    coordinator = _tab(browser, live_server, lang=lang, js=js)
    _log_in_coordinator(coordinator, ada)
    coordinator.goto(f"{coordinator.base_url}/g/crown/board/{post.pk}/")
    _fits(coordinator)
    click_through(coordinator, coordinator.get_by_role("button", name=words["help"]))
    claim = Claim.objects.get(post=post)
    assert claim.claimant == ada and claim.state == "pending"

    # 5. The newcomer sees the notice, follows it to the post and accepts.
    _open_notice(nia, words, words["claimed"])
    assert nia.url.endswith(f"/g/crown/board/{post.pk}/")
    click_through(nia, nia.get_by_role("button", name=words["accept"], exact=True))
    claim.refresh_from_db()
    assert claim.state == "accepted"

    # 6. The coordinator sees "paired up" in their notices, and it leads to the conversation.
    _open_notice(coordinator, words, words["paired"].format(title=words["title"]))
    assert f"/claims/{claim.pk}/" in coordinator.url or "conversation" in coordinator.url
    coordinator.get_by_role("heading", name=words["conversation"], exact=False).wait_for()
    coordinator.locator("textarea[name=body]").fill(words["hello"])
    coordinator.get_by_role("button", name=words["send"], exact=True).click()
    coordinator.get_by_text(words["hello"]).wait_for()
    _fits(coordinator)

    # 7. The newcomer reads it from the notice and answers.
    _open_notice(nia, words, words["message"].format(name=ada.display_name))
    nia.get_by_text(words["hello"]).wait_for()
    nia.locator("textarea[name=body]").fill(words["answer"])
    nia.get_by_role("button", name=words["send"], exact=True).click()
    nia.get_by_text(words["answer"]).wait_for()
    _fits(nia)
    assert [(m.author_id, m.body) for m in Message.objects.filter(claim=claim)] == [
        (ada.pk, words["hello"]),
        (member.pk, words["answer"]),
    ]
    nia.context.close()
    coordinator.context.close()
