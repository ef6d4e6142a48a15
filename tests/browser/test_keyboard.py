"""Keyboard only, at 390 px: log in, post a need, claim it, sign up for a shift and record a contribution
to a fund with Tab, Shift+Tab, Enter, Space and typed text, never the mouse. Every control that takes the
focus on the way shows it: an outline (or box shadow) at least 2 px wide whose colour has at least 3:1
contrast against what surrounds it (WCAG 2.2 2.4.7 and 1.4.11; the colour is read from the computed style
and compared with the nearest opaque background behind the control)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.conftest import PASSWORD, make_user
from tests.totp import secret_of

PHONE = {"width": 390, "height": 844}
# What has the focus, its name as a keyboard user hears it, and how its focus indicator contrasts.
FOCUS = """async () => {
  await new Promise((done) => requestAnimationFrame(() => done()));
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const parse = (c) => {
    const m = (c || "").match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
  };
  const lum = ({r, g, b}) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (x, y) => { const [hi, lo] = [lum(x), lum(y)].sort((p, q) => q - p); return (hi + 0.05) / (lo + 0.05); };
  let around = null;
  for (let node = el.parentElement; node && !around; node = node.parentElement) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c && c.a > 0) around = c;
  }
  around = around || {r: 255, g: 255, b: 255, a: 1};
  const style = getComputedStyle(el);
  let colour = null, width = 0;
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) {
    colour = parse(style.outlineColor); width = parseFloat(style.outlineWidth);
  } else if (style.boxShadow && style.boxShadow !== "none") {
    colour = parse(style.boxShadow);
    const sizes = style.boxShadow.replace(/rgba?\\([^)]*\\)/, "").trim().split(/\\s+/).map(parseFloat);
    width = Math.max(sizes[2] || 0, sizes[3] || 0);
  }
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const name = (el.getAttribute("aria-label") || label || el.innerText || el.value || "").trim();
  return {tag: el.tagName.toLowerCase(), id: el.id, outline: style.outlineStyle + " " + style.outlineWidth, name: name.replace(/\\s+/g, " ").slice(0, 80), width,
          contrast: colour ? Math.round(ratio(colour, around) * 100) / 100 : 0};
}"""


def tab_to(page: Any, name: str, *, tag: str | None = None, limit: int = 80) -> dict[str, Any]:
    """Press Tab until the control called `name` (its label, text or value starts with it) has the focus;
    every control focused on the way must show a visible focus indicator of at least 3:1."""
    passed: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused: dict[str, Any] | None = page.evaluate(FOCUS)
        if focused is None:
            continue
        assert focused["width"] >= 2 and focused["contrast"] >= 3, f"focus not visible enough: {focused}"
        passed.append(f"{focused['tag']}:{focused['name']}")
        if focused["name"].startswith(name) and (tag is None or focused["tag"] == tag):
            return focused
    raise AssertionError(f"Tab never reached {name!r}; it went through {passed}")


def press(page: Any, key: str) -> None:
    """Press `key` on the focused control and wait for the page it sends the browser to."""
    with page.expect_navigation():
        page.keyboard.press(key)


def type_into(page: Any, label: str, text: str) -> None:
    tab_to(page, label)
    page.keyboard.type(text)


def keyboard_log_in(page: Any, username: str, totp_secret: str | None = None) -> None:
    page.context.clear_cookies()
    page.goto(page.base_url + "/accounts/login/")
    type_into(page, "Username", username)
    type_into(page, "Password", PASSWORD)
    tab_to(page, "Log in", tag="button")
    press(page, "Enter")
    if totp_secret:
        from tests.totp import current_code

        code = current_code(totp_secret)
        type_into(page, "Code", code)
        press(page, "Enter")
    assert "/accounts/login/" not in page.url


def follow(page: Any, name: str) -> None:
    tab_to(page, name, tag="a")
    press(page, "Enter")


def test_post_a_need_and_claim_it_by_keyboard(page: Any, ben: Any, crown: Any) -> None:
    from mutualaid.exchange.models import Claim, Post
    from mutualaid.members.models import Membership

    fay = make_user("fay")
    Membership.objects.create(user=fay, group=crown)
    page.set_viewport_size(PHONE)
    page.set_default_timeout(30_000)

    keyboard_log_in(page, "ben")
    page.goto(page.base_url + "/g/crown/")
    follow(page, "Needs and offers")
    follow(page, "Ask for something")
    tab_to(page, "Category", tag="select")
    page.keyboard.type("Food")  # a closed list box picks the option whose label starts with what is typed
    assert page.evaluate("document.activeElement.value") == "food"
    type_into(page, "Short title", "Rice for a family of five")
    type_into(page, "Details", "Any brand is fine.")
    type_into(page, "Area", "11216")
    tab_to(page, "Post", tag="button")
    press(page, "Enter")
    expect(page.get_by_text("Your post is on the board.")).to_be_visible()
    post = Post.objects.get()  # the title is sealed: not searchable in the database
    assert post.title == "Rice for a family of five"
    assert (post.category, post.kind, post.author_id) == ("food", "need", ben.pk)

    keyboard_log_in(page, "fay")
    page.goto(page.base_url + "/g/crown/board/")
    follow(page, "Rice for a family of five")
    tab_to(page, "I can help", tag="button")
    press(page, "Space")
    expect(page.get_by_text("The poster will answer your claim.")).to_be_visible()
    assert Claim.objects.get(post=post).claimant_id == fay.pk


def test_sign_up_for_a_shift_and_record_a_contribution_by_keyboard(
    page: Any, ada: Any, ben: Any, crown: Any
) -> None:
    from mutualaid.funds import services as funds
    from mutualaid.funds.models import Transaction
    from mutualaid.shifts.models import Signup
    from tests.shifts.conftest import make_series, next_occurrence

    occurrence = next_occurrence(make_series(crown))
    fund = funds.fund_create(group=crown, name="Crown Rent Fund", kind="rent", visibility="members")
    page.set_viewport_size(PHONE)
    page.set_default_timeout(30_000)

    keyboard_log_in(page, "ben")
    page.goto(page.base_url + f"/g/crown/shifts/on/{occurrence.pk}/")
    tab_to(page, "Sign up", tag="button")  # the first role listed: driver
    press(page, "Enter")
    expect(page.get_by_text("You are signed up as driver.").first).to_be_visible()
    assert Signup.objects.get(occurrence=occurrence, user=ben).role.name == "driver"

    keyboard_log_in(page, "ada", secret_of(ada))
    page.goto(page.base_url + "/g/crown/")
    follow(page, "Funds")
    follow(page, "Crown Rent Fund")
    follow(page, "Record a contribution")
    type_into(page, "Amount", "25.50")
    tab_to(page, "How it came in", tag="select")
    page.keyboard.type("Cash")
    assert page.evaluate("document.activeElement.value") == "cash"
    tab_to(page, "Record", tag="button")
    press(page, "Space")
    expect(page.get_by_text("Contribution recorded.")).to_be_visible()
    contribution = Transaction.objects.get(fund=fund)
    assert (contribution.amount, contribution.method) == (2550, "cash")
