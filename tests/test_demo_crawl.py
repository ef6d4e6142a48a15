"""Crawl the demo network as real people would: every page reachable by links, in English and Spanish.

Per-route tests use tidy fixtures; the demo network has varied data (two groups, Spanish and English
members, funds, posts, claims, matches). This test loads it, then for an anonymous visitor and several
demo members follows every same-origin GET link breadth-first from `/`, their home and their group
pages, and checks each page: no server error, no exception, no template leftovers, no English navigation
on Spanish pages, and the page weight budget (30 KB gzip including CSS and JS). It then reads every API
GET operation with each member's token.

Coordinators get a TOTP second factor the way tests/conftest.py gives one to `ada`, so the crawl runs
with the coordinator second factor enforced (the demo server only turns it off through
MUTUALAID_REQUIRE_COORDINATOR_MFA, which the tests leave on).
"""

from __future__ import annotations

import functools
import gzip
import json
import re
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.apps import apps
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import Resolver404, resolve

from tests.conftest import enable_totp

# Who crawls: (username or None for anonymous). A coordinator of each group, a plain member, a member
# of both groups, a member who claimed a need (see src/mutualaid/groups/demo.py, exchange/demo.py).
CRAWLERS = [None, "ada", "marisol", "ben", "elena", "jojo"]
COORDINATORS = ["ada", "marisol", "fatou", "gabo"]

# Never followed: leaving the session, one-time token links, the admin (Django's own pages), files.
SKIP_PREFIXES = (
    "/accounts/logout/",
    "/channels/unsubscribe/",
    "/channels/checkin/",
    "/invite/",
    "/admin/",
    "/static/",
    "/media/",
    "/i18n/",
    "/api/",
)
# At most this many URLs per (crawler, language, URL pattern): varied data without crawling every post.
PER_PATTERN = 10
# DESIGN.md: a first visit of any page transfers at most 15 KB (HTML compressed + the CSS and JS it loads,
# Brotli as WhiteNoise sends them), a repeat visit at most 6 KB (static files are immutable and cached).
FIRST_VISIT = 15 * 1024
REPEAT_VISIT = 6 * 1024
# Django's GZipMiddleware adds up to 100 random bytes to each response against BREACH.
HTB_PADDING = 100
ASSET = re.compile(r'<(?:link[^>]+href|script[^>]+src)="(/static/[^"]+)"')
# Tables a read may legitimately add to: the audit of sensitive reads, sessions.
READ_LOGS = {"core.SensitiveRead", "sessions.Session"}

# Navigation strings every page shows; on a Spanish page none of them may be left in English.
NAV_STRINGS = [
    "Skip to content",
    "Find a group",
    "My groups",
    "Profile",
    "Log out",
    "Log in",
    "Site language",
]

HREF = re.compile(r"""<a\b[^>]*?\shref="([^"#][^"]*)\"""", re.IGNORECASE)
GET_FORM = re.compile(r"""<form\b([^>]*\bmethod="get"[^>]*)>(.*?)</form>""", re.IGNORECASE | re.DOTALL)
ACTION = re.compile(r"""\baction="([^"]*)\"""")
FIELD = re.compile(r"""<(input|select)\b([^>]*)>(.*?</select>)?""", re.IGNORECASE | re.DOTALL)
ATTR = re.compile(r"""\b(name|type|value)="([^"]*)\"""")
OPTION = re.compile(r"""<option\b[^>]*\bvalue="([^"]+)\"""")


def _submissions(body: str, path: str) -> list[str]:
    """Each GET form (filters, search) as a visitor fills it in: first choice of each list, a postal code
    in text boxes, every box ticked."""
    urls = []
    for attrs, inner in GET_FORM.findall(body):
        action = ACTION.search(attrs)
        query: list[tuple[str, str]] = []
        for tag, field_attrs, select_body in FIELD.findall(inner):
            found = dict(ATTR.findall(field_attrs))
            name = found.get("name")
            if not name:
                continue
            if tag.lower() == "select":
                options = OPTION.findall(select_body)
                if options:
                    query.append((name, options[0]))
            elif found.get("type") in {"checkbox", "radio", "hidden"}:
                query.append((name, found.get("value", "on")))
            elif found.get("type") == "number":
                query.append((name, "2"))
            elif found.get("type") not in {"submit", "button", "file", "password"}:
                query.append((name, "11221"))
        urls.append(f"{(action.group(1) if action and action.group(1) else path)}?{urlencode(query)}")
    return urls


@dataclass
class Crawl:
    pages: int = 0
    patterns: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    heaviest: tuple[int, int, str] = (0, 0, "")


def _pattern(path: str, query: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    keys = ",".join(sorted({k for k, _v in parse_qsl(query)}))
    return f"{match.route}?{keys}" if keys else match.route


def _normalise(href: str) -> str | None:
    parts = urlsplit(unescape(href))
    if parts.scheme and parts.scheme not in {"http", "https"}:
        return None  # mailto:, tel:, sms:
    if parts.netloc and parts.netloc != "testserver":
        return None  # another origin (there should be none)
    if not parts.path.startswith("/") or parts.path.startswith(SKIP_PREFIXES):
        return None
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@functools.cache
def _english_ui() -> list[tuple[list[str], re.Pattern[str]]]:
    """The project's own interface sentences (msgids of every app's Spanish catalogue that translate to
    something else), as patterns with their placeholders left open. Short ones are left out: a two-word
    label may well be someone's post title.

    Each comes with its literal pieces (the text between placeholders): a page can only match a pattern
    that holds every piece, and a substring test rules out almost all of some 1,500 sentences for a page
    far faster than running each pattern over it (the crawl spent 40 % of its time in those searches)."""
    import gettext

    import mutualaid

    found = []
    for mo_path in sorted(Path(mutualaid.__file__).parent.glob("*/locale/es/LC_MESSAGES/django.mo")):
        with mo_path.open("rb") as handle:
            catalog: dict[Any, str] = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
        for msgid, msgstr in catalog.items():
            words = PLACEHOLDER.sub("", msgid) if isinstance(msgid, str) else ""
            if msgstr != msgid and len(words) >= 24 and "\n" not in msgid:
                pieces = PLACEHOLDER.split(re.sub(r"\s+", " ", msgid))
                pattern = ".{1,80}?".join(re.escape(piece) for piece in pieces)
                found.append(([piece for piece in pieces if piece], re.compile(pattern)))
    assert len(found) > 100, found
    return found


def _english_sentences(ui: str) -> list[str]:
    """The interface sentences `ui` (a page's text) still shows in English."""
    return [m.pattern for pieces, m in _english_ui() if all(piece in ui for piece in pieces) and m.search(ui)]


@functools.cache
def _asset_weight(url: str) -> int:
    import brotli

    name = re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", url.removeprefix("/static/"))
    return len(brotli.compress(Path(str(finders.find(name))).read_bytes()))


def _assets_weight() -> int:
    return 0  # each page's own CSS and JS are counted from its <link> and <script> tags


def _foreign(username: str | None) -> list[tuple[str, re.Pattern[str]]]:
    """What this person must never see: the names of members who share no group with them, and the
    titles of posts in groups they are not in (everything, for an anonymous visitor)."""
    from mutualaid.members.models import Membership

    post_model = apps.get_model("exchange", "Post")
    mine = (
        set(Membership.objects.filter(user__username=username).values_list("group_id", flat=True))
        if username
        else set()
    )
    neighbours = set(
        Membership.objects.filter(group_id__in=mine).values_list("user__display_name", flat=True)
    )
    strangers = set(
        Membership.objects.exclude(group_id__in=mine).values_list("user__display_name", flat=True)
    )
    visible_titles = set(post_model.objects.filter(group_id__in=mine).values_list("title", flat=True))
    hidden_titles = set(post_model.objects.exclude(group_id__in=mine).values_list("title", flat=True))
    return [
        (text, re.compile(rf"(?<!\w){re.escape(text)}(?!\w)"))
        for text in (strangers - neighbours) | (hidden_titles - visible_titles)
        if text and len(text) >= 3
    ]


def _leaks(foreign: list[tuple[str, re.Pattern[str]]], shown: str) -> list[str]:
    """The foreign texts `shown` contains as whole words (a plain substring test first: most pages hold none)."""
    return [pattern.pattern for text, pattern in foreign if text in shown and pattern.search(shown)]


def _get(client: Any, url: str, where: str, result: Crawl) -> Any:
    """The response to GET `url`, or None when the request raised (recorded as a problem of `where`)."""
    try:
        return client.get(url)
    except Exception as exc:
        result.problems.append(f"{where}: {type(exc).__name__}: {exc}")
        return None


def crawl(
    client: Client,
    starts: list[str],
    *,
    spanish: bool,
    who: str,
    result: Crawl,
    assets: int,
    foreign: list[tuple[str, re.Pattern[str]]],
) -> None:
    seen: set[str] = set()
    per_pattern: dict[str, int] = {}
    queue: deque[str] = deque(starts)
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path, _, query = url.partition("?")
        pattern = _pattern(path, query)
        if pattern is None:
            result.problems.append(f"{who}: link to an unknown URL {url}")
            continue
        if per_pattern.get(pattern, 0) >= PER_PATTERN:
            continue
        per_pattern[pattern] = per_pattern.get(pattern, 0) + 1
        where = f"{who} GET {url}"
        response = _get(client, url, where, result)
        if response is None:
            continue
        result.pages += 1
        result.statuses[response.status_code] = result.statuses.get(response.status_code, 0) + 1
        result.patterns.add(pattern)
        if response.status_code >= 500:
            result.problems.append(f"{where}: {response.status_code}")
            continue
        if response.status_code == 404:
            result.problems.append(f"{where}: 404, a dead link")
        if response.status_code in {301, 302, 303, 307, 308}:
            target = _normalise(response["Location"])
            if target:
                queue.append(target)
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        for leftover in ("{{", "{%", "%}", "}}"):
            if leftover in body:
                at = body.index(leftover)
                result.problems.append(f"{where}: template leftover {body[max(0, at - 60) : at + 60]!r}")
                break
        text = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))  # what a reader sees
        leaked = _leaks(foreign, text)
        if leaked:
            result.problems.append(f"{where}: shows what this visitor may not see: {leaked}")
        html = len(gzip.compress(response.content)) + HTB_PADDING
        first = html + assets + sum(_asset_weight(url) for url in set(ASSET.findall(body)))
        if first > FIRST_VISIT:
            result.problems.append(
                f"{where}: first visit {first} bytes with CSS and JS (budget {FIRST_VISIT})"
            )
        if html > REPEAT_VISIT:
            result.problems.append(f"{where}: repeat visit {html} bytes of HTML (budget {REPEAT_VISIT})")
        result.heaviest = max(result.heaviest, (first, html, where))
        if spanish:
            if '<html lang="es">' not in body:
                result.problems.append(f"{where}: page not in Spanish")
            # Content a page marks as written in another language (a printable flyer in English,
            # `<article lang="en">`) is not the interface.
            own = re.sub(r'<article[^>]*\blang="(?!es")[^"]*"[^>]*>.*?</article>', " ", body, flags=re.S)
            ui = unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", own)))
            english = [s for s in NAV_STRINGS if s in ui] + _english_sentences(ui)
            if english:
                result.problems.append(f"{where}: English on a Spanish page: {english}")
        if response.status_code != 200:
            continue
        for href in HREF.findall(body) + _submissions(body, path):
            target = _normalise(href)
            if target and target not in seen:
                queue.append(target)


def _first_pks(model: str, n: int, *, order: str = "pk", **where: str) -> list[str]:
    """The first `n` ids of `model` ("app.Model") matching `where`, as path parameters."""
    rows = apps.get_model(*model.split(".")).objects.filter(**where).order_by(order)
    return [str(pk) for pk in rows.values_list("pk", flat=True)[:n]]


def _api_values(slug: str) -> dict[str, list[str]]:
    """Real ids inside one group for the API's path parameters."""
    claim_model = apps.get_model("exchange", "Claim")
    receipt_model = apps.get_model("funds", "Receipt")
    claims = list(claim_model.objects.filter(post__group__slug=slug).order_by("pk")[:2])
    receipts = list(receipt_model.objects.filter(request__fund__group__slug=slug).order_by("pk")[:1])
    return {
        "post_id": _first_pks("exchange.Post", 2, group__slug=slug),
        "claim": [f"{c.post_id}/{c.pk}" for c in claims],
        "fund_id": _first_pks("funds.Fund", 3, group__slug=slug),
        "request_id": _first_pks("funds.Request", 2, fund__group__slug=slug),
        "receipt": [f"{r.request_id}/{r.pk}" for r in receipts],
        "series_id": _first_pks("shifts.Series", 2, group__slug=slug),
        "occurrence_id": _first_pks("shifts.Occurrence", 2, order="starts_at", series__group__slug=slug),
        "day_id": _first_pks("shifts.DistributionDay", 2, group__slug=slug),
        "run_id": _first_pks("deliveries.DeliveryRun", 2, group__slug=slug),
        "stop_id": _first_pks("deliveries.Stop", 2, run__group__slug=slug),
        "driver_id": _first_pks("deliveries.Driver", 2, run__group__slug=slug),
        "proposal_id": _first_pks("decisions.Proposal", 2, group__slug=slug),
        "report_id": _first_pks("defense.Report", 2, group__slug=slug),
        "hub_id": _first_pks("hubs.Hub", 2, group__slug=slug),
        "item_id": _first_pks("lending.Item", 2, group__slug=slug),
        "loan_id": _first_pks("lending.Loan", 2, item__group__slug=slug),
        "offer_id": _first_pks("housing.Offer", 2, group__slug=slug),
        "stay_id": _first_pks("housing.Stay", 2, offer__group__slug=slug),
        "round_id": _first_pks("matching.Round", 2, group__slug=slug),
        "uid": [
            str(u)
            for u in apps.get_model("peers", "Referral")
            .objects.filter(group__slug=slug)
            .values_list("uid", flat=True)[:2]
        ],
    }


def _public_api_values() -> dict[str, list[str]]:
    """Real ids for the API's operations outside a group (public hubs)."""
    hubs = apps.get_model("hubs", "Hub").objects.filter(public=True).order_by("pk")
    return {"hub_id": [str(pk) for pk in hubs.values_list("pk", flat=True)[:2]]}


def _api_urls(template: str, slugs: list[str]) -> list[str]:
    urls = []
    for slug in slugs if "{slug}" in template else [""]:
        values = _api_values(slug) if slug else _public_api_values()
        url = template.replace("{slug}", slug)
        if "{claim_id}" in url:
            urls += [
                url.replace(
                    "{post_id}/claims/{claim_id}", f"{pair.split('/')[0]}/claims/{pair.split('/')[1]}"
                )
                for pair in values["claim"]
            ]
        elif "{receipt_id}" in url:
            urls += [
                url.replace(
                    "{request_id}/receipts/{receipt_id}",
                    f"{pair.split('/')[0]}/receipts/{pair.split('/')[1]}",
                )
                for pair in values["receipt"]
            ]
        else:
            names = re.findall(r"\{(\w+)\}", url)
            assert len(names) <= 1, f"crawl does not know how to fill {template}"
            if names:
                urls += [url.replace(f"{{{names[0]}}}", value) for value in values[names[0]]]
            else:
                urls.append(url)
    return urls


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture(scope="module")
def demo_network(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """The demo network, loaded once per process for the crawl's three modes.

    Written inside a transaction rolled back when the module ends; each mode runs in pytest-django's
    savepoint inside it (`db`), so what one mode adds (the coordinators' second factors, sessions, the
    members' languages) is gone before the next starts. Loading it took 8-10 s of each mode."""
    from django.db import transaction
    from django.test import override_settings

    from mutualaid.demo import load_demo

    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        load_demo()
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("second_factor", ["set up", "demo mode", "not set up"])
def test_demo_network_crawl_finds_no_broken_page(
    demo_network: None, db: Any, api_for: Any, settings: Any, second_factor: str
) -> None:
    """Coordinators with a TOTP as in production; with the requirement off as `mutualaid demo` runs
    (cli.py sets MUTUALAID_REQUIRE_COORDINATOR_MFA=false); and required but not yet set up, where the
    coordinator pages answer with the page asking for one. The second factor only changes what
    coordinators see, so the two other modes crawl as the coordinators only."""
    from django.db import connection

    from mutualaid.config.api import api
    from mutualaid.members.models import Membership, User

    if second_factor != "set up" and connection.vendor == "postgresql":
        pytest.skip(
            "the second-factor modes change what coordinators see, not the queries: crawled on SQLite"
        )
    settings.MUTUALAID_REQUIRE_COORDINATOR_MFA = second_factor != "demo mode"
    started = time.monotonic()
    if second_factor == "set up":
        for coordinator in COORDINATORS:
            enable_totp(User.objects.get(username=coordinator))
    assets = _assets_weight()
    result = Crawl()
    # Reads may only add audit records (who read whose contact details) and sessions; anything else a GET
    # changes is a state-changing GET.
    before = _row_counts()
    crawlers = CRAWLERS if second_factor == "set up" else [name for name in CRAWLERS if name in COORDINATORS]
    for username in crawlers:
        for language in ("en", "es"):
            client = Client()
            starts = ["/", "/directory/"]
            if username is None:
                client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
                starts += ["/g/crown-heights/", "/g/bushwick/"]
            else:
                user = User.objects.get(username=username)
                User.objects.filter(pk=user.pk).update(language=language)
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
                slugs = list(Membership.objects.filter(user=user).values_list("group__slug", flat=True))
                starts += ["/me/"] + [f"/g/{slug}/" for slug in slugs]
            crawl(
                client,
                starts,
                spanish=language == "es",
                who=f"{username or 'anonymous'}/{language}",
                result=result,
                assets=assets,
                foreign=_foreign(username),
            )
    after = _row_counts()
    changed = {
        label: (n, after[label])
        for label, n in before.items()
        if after[label] != n and label not in READ_LOGS
    }
    api_calls = 0
    templates = [path for path, ops in api.get_openapi_schema()["paths"].items() if "get" in ops]
    for username in [name for name in crawlers if name]:  # every one but the anonymous visitor
        user = User.objects.get(username=username)
        client = api_for(user)
        foreign = _foreign(username)
        slugs = list(Membership.objects.filter(user=user).values_list("group__slug", flat=True))
        for template in templates:
            for url in _api_urls(template, slugs):
                where = f"{username} API GET {url}"
                response = _get(client, url, where, result)
                if response is None:
                    continue
                api_calls += 1
                if response.status_code >= 500:
                    result.problems.append(f"{where}: {response.status_code}")
                elif response.status_code != 204 and not response.get("Content-Type", "").startswith(
                    "application/json"
                ):
                    result.problems.append(f"{where}: not JSON ({response.get('Content-Type')})")
                else:
                    shown = json.dumps(response.json(), ensure_ascii=False)
                    leaked = _leaks(foreign, shown)
                    if leaked:
                        result.problems.append(f"{where}: shows what this member may not see: {leaked}")
    elapsed = time.monotonic() - started
    print(
        f"crawl: {result.pages} pages, {len(result.patterns)} URL patterns, {api_calls} API calls, {elapsed:.1f} s, "
        f"statuses {sorted(result.statuses.items())}; heaviest page: first visit {result.heaviest[0]} bytes, "
        f"repeat {result.heaviest[1]} bytes ({result.heaviest[2]})"
    )
    for pattern in sorted(result.patterns):
        print("  ", pattern)
    print(
        "not reached (POST-only, token links, or no demo data):",
        sorted(
            r
            for r in _all_routes() - {p.split("?")[0] for p in result.patterns}
            if not r.startswith(("admin/", "api/"))
        ),
    )
    assert not changed, f"GET requests changed the database: {changed}"
    assert not result.problems, "\n".join(result.problems)


def _all_routes() -> set[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver: URLResolver, prefix: str) -> set[str]:
        found: set[str] = set()
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                found |= walk(p, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.add(prefix + str(p.pattern))
        return found

    return walk(get_resolver(), "")


def test_broadcast_help_text_follows_the_readers_language(client_for: Any, dee: Any) -> None:
    """Found by the crawl: the help text was formatted at import time and stayed English for everyone."""
    from django.urls import reverse

    from mutualaid.members.models import User

    User.objects.filter(pk=dee.pk).update(language="es")
    page = (
        client_for(User.objects.get(pk=dee.pk))
        .get(reverse("channels_broadcasts", args=["bush"]))
        .content.decode()
    )
    assert "Como máximo 480 caracteres" in page
    assert "At most 480 characters" not in page
