"""Accessibility, proven: axe-core over every page the demo crawl reaches, at WCAG 2.2 AA.

axe-core is vendored from the npm registry into tests/browser/vendor/axe-core/ (with its MPL-2.0 licence);
it is test tooling only and no product page loads it.

Coverage. The demo crawl (tests/test_demo_crawl.py) finds the pages by following links from `/`, the
person's home and their group pages. Here the same link-following runs first through Django's test client
(fast, no browser) as an anonymous visitor, members (`ben`, `elena` in both groups, `jojo` who claimed a
need) and coordinators of both groups (`ada`, `marisol`, with their second factor), keeping one URL per
(route pattern, role). Every such pair is then opened in chromium and axe
runs on it: every (route pattern, role) pair is checked once.

The full cross product with every language and both widths would take many minutes, and it would check
the same thing again and again: a page's structure (landmarks, headings, labels, link names, ARIA, colours
from the one stylesheet) is identical in every language, because every language renders the same
template; what a language changes is the text and, for Arabic, the direction. Width changes only the
layout the stylesheet's one media query chooses. So languages and widths rotate across the pages: page i
of a role is shown in language i mod 6 at width (i div 6) mod 2, offset per role, so every language and
both widths are each checked on dozens of different pages and every (language, width) combination many
times, while every page is checked at least once.

axe is put into the one browser context once (an init script, so CSP does not apply), and the context is
reused for all of a role's pages.
"""

from __future__ import annotations

import json
import re
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import get_language_info

from mutualaid.core.speaking import PERSON_LANGUAGE
from tests.conftest import enable_totp
from tests.test_demo_crawl import HREF, _normalise, _pattern, _submissions

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANGUAGES = [code for code, _name in settings.LANGUAGES]
BIDI = {code for code in LANGUAGES if get_language_info(code)["bidi"]}
WIDTHS = [390, 1280]
# Who sweeps, per role: the demo's plain member, a member of both groups and a member who claimed a need;
# a coordinator of each group (see src/mutualaid/groups/demo.py, exchange/demo.py).
ROLES: dict[str, list[str | None]] = {
    "anonymous": [None],
    "member": ["ben", "elena", "jojo"],
    "coordinator": ["ada", "marisol"],
}
# Discovery follows a few URLs per pattern (links that only some posts or funds show), but axe reads one.
DISCOVER_PER_PATTERN = 2
# Pages that are not HTML pages of the product or that the browser would leave the session on.
NOT_SWEPT = re.compile(r"\.(csv|pdf|ics|svg|json|txt)(\?|$)|/export/|/download")

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return {lang: document.documentElement.lang, dir: document.documentElement.dir, violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary.split("\\n").slice(1, 2).join(""))
  }))};
}"""


def discover(client: Client, starts: list[str]) -> dict[str, str]:
    """The first URL of each route pattern reachable by links and GET forms from `starts`."""
    found: dict[str, str] = {}
    per_pattern: dict[str, int] = {}
    seen: set[str] = set()
    queue: deque[str] = deque(starts)
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path, _, query = url.partition("?")
        pattern = _pattern(path, query)
        if pattern is None or per_pattern.get(pattern, 0) >= DISCOVER_PER_PATTERN:
            continue
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        response = client.get(url)
        if response.status_code in {301, 302, 303, 307, 308}:
            target = _normalise(response["Location"])
            if target:
                queue.append(target)
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        if not NOT_SWEPT.search(url):
            found.setdefault(pattern, url)
        body = response.content.decode()
        for href in HREF.findall(body) + _submissions(body, path):
            target = _normalise(href)
            if target and target not in seen:
                queue.append(target)
    return found


@pytest.fixture
def demo(live_server: Any) -> Iterator[None]:
    from django.core.cache import cache

    from mutualaid.demo import load_demo
    from mutualaid.members.models import User

    cache.clear()
    load_demo()
    for coordinator in ROLES["coordinator"]:
        assert coordinator is not None
        enable_totp(User.objects.get(username=coordinator))
    yield


def _axe(tab: Any) -> dict[str, Any]:
    """The page's language and direction, and axe's violations on it."""
    result: dict[str, Any] = tab.evaluate(RUN_AXE, TAGS)
    return result


def _client(username: str | None) -> tuple[Client, list[str]]:
    """A test client signed in as `username` (None: a visitor) and where the crawl starts for them."""
    from mutualaid.members.models import Membership, User

    client = Client()
    starts = ["/", "/directory/"]
    if username is None:
        return client, [*starts, "/g/crown-heights/", "/g/bushwick/"]
    user = User.objects.get(username=username)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    slugs = Membership.objects.filter(user=user).values_list("group__slug", flat=True)
    return client, [*starts, "/me/"] + [f"/g/{slug}/" for slug in slugs]


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_passes_axe_at_wcag_22_aa(browser: Any, live_server: Any, demo: None, role: str) -> None:
    from mutualaid.members.models import User

    started = time.monotonic()
    # (route pattern) -> (who reached it first, its first URL): each crawler of the role adds what only
    # they reach (a claimant's claim, the other group's coordinator pages).
    pages: dict[str, tuple[str | None, str]] = {}
    sessions: dict[str | None, str] = {}
    for username in ROLES[role]:
        client, starts = _client(username)
        for pattern, url in discover(client, starts).items():
            pages.setdefault(pattern, (username, url))
        if username is not None:
            sessions[username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    discovered = time.monotonic()
    assert len(pages) > 10, pages

    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 800}, locale="en-US")
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))  # once: chromium runs it in every page the context opens
    tab = context.new_page()
    offset = list(ROLES).index(role)
    problems: list[str] = []
    covered: set[tuple[str, int]] = set()
    signed_in: str | None = None
    try:
        for i, (pattern, (username, url)) in enumerate(
            sorted(pages.items(), key=lambda p: (str(p[1][0]), p[0]))
        ):
            language = LANGUAGES[(i + offset) % len(LANGUAGES)]
            width = WIDTHS[((i + offset) // len(LANGUAGES)) % len(WIDTHS)]
            if username is None:
                context.add_cookies(
                    [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
                )
            else:
                if username != signed_in:
                    cookie = {"name": settings.SESSION_COOKIE_NAME, "value": sessions[username]}
                    context.add_cookies([{**cookie, "url": live_server.url}])
                    signed_in = username
                # Members choose among core.categories.Language, where Chinese is "zh".
                User.objects.filter(username=username).update(
                    language=PERSON_LANGUAGE.get(language, language)
                )
            tab.set_viewport_size({"width": width, "height": 800})
            response = tab.goto(live_server.url + url)
            where = f"{username or 'anonymous'} {language} {width}px {url} ({pattern})"
            if response is None or response.status >= 400:
                problems.append(f"{where}: status {response and response.status}")
                continue
            found = _axe(tab)
            if (found["lang"], found["dir"]) != (language, "rtl" if language in BIDI else ""):
                problems.append(f"{where}: page in {found['lang']!r}, direction {found['dir']!r}")
            covered.add((language, width))
            for violation in found["violations"]:
                problems.append(f"{where}: {json.dumps(violation, ensure_ascii=False)}")
    finally:
        context.close()
    print(
        f"axe {role}: {len(pages)} route patterns, discovery {discovered - started:.1f} s, "
        f"browser {time.monotonic() - discovered:.1f} s, {len(covered)} language x width combinations"
    )
    assert len(covered) == len(LANGUAGES) * len(WIDTHS)
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)


def test_the_sweep_would_see_a_violation(page: Any) -> None:
    """The sweep's axe finds what it must: a page with an unnamed image and link, no language and grey
    text on white fails at exactly those rules (so a green sweep means the product's pages pass)."""
    page.set_content(
        '<html><body><main><img src="x.png"><a href="/"></a><p style="color:#aaa">faint</p></main></body></html>'
    )
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = {violation["id"] for violation in _axe(page)["violations"]}
    assert {"image-alt", "link-name", "html-has-lang", "color-contrast"} <= found, found
