"""Reflow, reduced motion and right-to-left, in chromium.

- 200 % zoom: WCAG 2.2 1.4.10 (reflow) asks that content fit 320 CSS px wide without scrolling sideways;
  a 1280 px window at 400 % or a 640 px one at 200 % is that width, so the main pages are opened in a
  320 px viewport and the document may not be wider than it (a data table may scroll inside itself).
- prefers-reduced-motion: with the preference set, nothing on those pages animates or transitions.
- Arabic is right-to-left: `dir="rtl"`, and the stylesheet's logical properties mirror the layout (the
  brand and a form's labels sit on the right, the alert's bar on the right edge, no sideways scroll).
"""

from __future__ import annotations

import itertools
from typing import Any

from django.conf import settings
from django.test import Client

from tests.conftest import enable_totp

# Nothing moves: every element's animations and transitions, as chromium computed them.
MOVING = """() => [...document.querySelectorAll("*")].filter((el) => {
  const s = getComputedStyle(el);
  const durations = (s.transitionDuration + "," + s.animationDuration).split(",").map(parseFloat);
  return s.animationName !== "none" || durations.some((d) => d > 0);
}).map((el) => el.tagName + "." + el.className)"""
WIDTH = "document.documentElement.scrollWidth"


def _signed_in(browser: Any, live_server: Any, username: str, **options: Any) -> Any:
    from mutualaid.members.models import User

    client = Client()
    client.force_login(
        User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend"
    )
    context = browser.new_context(**options)
    context.set_default_timeout(30_000)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    return context


def test_main_pages_reflow_at_320_px_and_do_not_move(browser: Any, live_server: Any) -> None:
    from django.apps import apps
    from django.core.cache import cache

    from mutualaid.demo import load_demo
    from mutualaid.members.models import User

    cache.clear()
    load_demo()
    enable_totp(User.objects.get(username="ada"))
    group = "crown-heights"
    post = apps.get_model("exchange", "Post").objects.filter(group__slug=group).order_by("pk").first()
    fund = apps.get_model("funds", "Fund").objects.filter(group__slug=group).order_by("pk").first()
    occurrence = (
        apps.get_model("shifts", "Occurrence")
        .objects.filter(series__group__slug=group)
        .order_by("pk")
        .first()
    )
    assert post and fund and occurrence
    pages = {
        None: ["/", "/directory/", "/accounts/login/", f"/g/{group}/"],
        "ben": [
            "/",
            "/me/",
            f"/g/{group}/",
            f"/g/{group}/board/",
            f"/g/{group}/board/new/?kind=need",
            f"/g/{group}/board/{post.pk}/",
            f"/g/{group}/shifts/",
            f"/g/{group}/shifts/on/{occurrence.pk}/",
            f"/g/{group}/funds/",
        ],
        "ada": [f"/g/{group}/funds/{fund.pk}/", f"/g/{group}/funds/{fund.pk}/contributions/new/"],
    }
    options = {"viewport": {"width": 320, "height": 640}, "reduced_motion": "reduce"}
    problems = []
    for username, paths in pages.items():
        context = (
            _signed_in(browser, live_server, username, **options)
            if username
            else browser.new_context(**options)
        )
        tab = context.new_page()
        for path in paths:
            response = tab.goto(live_server.url + path)
            assert response is not None and response.status == 200, (path, response and response.status)
            assert tab.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
            if (width := tab.evaluate(WIDTH)) > 320:
                problems.append(f"{username or 'anonymous'} {path}: {width} px wide at 320 px")
            if moving := tab.evaluate(MOVING):
                problems.append(f"{username or 'anonymous'} {path}: moves: {moving[:5]}")
        context.close()
    assert not problems, "\n".join(problems)


def test_arabic_mirrors_the_layout(browser: Any, live_server: Any, ben: Any, crown: Any) -> None:
    from mutualaid.members.models import User

    boxes = """() => {
      const box = (el) => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right}; };
      const items = [...document.querySelectorAll("header.top nav li")];
      const text = (el) => { const r = document.createRange(); r.selectNodeContents(el); return r; };
      const label = text(document.querySelector("label[for=id_title]")), input = document.getElementById("id_title");
      const s = getComputedStyle(document.querySelector("th, td") || document.body);
      return {dir: document.documentElement.dir, lang: document.documentElement.lang,
              brand: box(document.querySelector(".brand")), items: items.map(box),
              label: box(label), input: box(input), body: box(document.body), align: getComputedStyle(document.querySelector("label[for=id_title]")).textAlign,
              width: document.documentElement.scrollWidth};
    }"""
    seen = {}
    for language in ("en", "ar"):
        User.objects.filter(pk=ben.pk).update(language=language)
        context = _signed_in(browser, live_server, "ben", viewport={"width": 390, "height": 844})
        tab = context.new_page()
        tab.goto(live_server.url + "/g/crown/board/new/?kind=need")
        seen[language] = tab.evaluate(boxes)
        if language == "ar":
            # The stylesheet's start side is the right: an error list's indent, an alert's bar.
            sides = tab.evaluate(
                """() => {
                  document.getElementById("main").insertAdjacentHTML("afterbegin",
                    '<ul class="errorlist"><li>x</li></ul><p class="alert">x</p>');
                  const e = getComputedStyle(document.querySelector(".errorlist"));
                  const a = getComputedStyle(document.querySelector(".alert"));
                  return [e.paddingRight, e.paddingLeft, a.borderRightWidth, a.borderLeftWidth];
                }"""
            )
            assert sides == ["16px", "0px", "5px", "0px"], sides
        context.close()
    en, ar = seen["en"], seen["ar"]
    assert (en["dir"], ar["dir"], ar["lang"]) == ("", "rtl", "ar")
    body_left, body_right = ar["body"]["left"] + 16, ar["body"]["right"] - 16  # the body's 1rem padding
    # English: brand and label at the left edge; Arabic: at the right edge.
    assert abs(en["brand"]["left"] - (en["body"]["left"] + 16)) < 1
    assert abs(ar["brand"]["right"] - body_right) < 1, (ar["brand"], body_right)
    assert abs(en["label"]["left"] - en["input"]["left"]) < 1
    assert abs(ar["label"]["right"] - ar["input"]["right"]) < 1 and abs(ar["input"]["right"] - body_right) < 1
    assert ar["label"]["left"] > body_left + 50  # a short label ends far from the left edge
    # The menu runs right to left: each item lies left of the one before it (or on the next line).
    firsts = ar["items"]
    assert all(b["right"] <= a["left"] + 1 or b["right"] > a["right"] for a, b in itertools.pairwise(firsts))
    assert firsts[0]["right"] > en["items"][0]["right"]
    assert ar["align"] in {"start", "right"}
    assert en["width"] <= 390 and ar["width"] <= 390
