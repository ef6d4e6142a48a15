"""Fragments of a page that read the same for everyone who sees the same values, rendered once per process.

    {% load fragments %}
    {% shared group.slug group.name is_coordinator %}
      … the same for every viewer with these values, in this language …
      {% per_request %}{% csrf_token %}{% end_per_request %}
    {% endshared %}

A ``shared`` block is keyed on the values it names, the active language and time zone, and nothing else: what
it shows must depend on nothing more (no member name, no count, nothing sealed). The key holds the values
themselves, not a version of them, so a renamed group or a changed role reads differently at the very next
request, in every process, with nothing to invalidate; logging out changes ``user.is_authenticated``.

Inside, ``per_request`` marks what is rendered on every request anyway (the CSRF token, the page's own
address, the unread count). The block is rendered once with a marker in place of each of those parts; the text
between the markers is kept and, on the next views, joined with those parts rendered afresh. So a page reads
byte for byte as if nothing were kept (tests/core/test_shared_fragments.py renders both ways).

Rules, checked when the template is compiled: no ``shared`` inside another, no ``block`` inside one, and no
``per_request`` inside a loop or a ``with`` (it is rendered later with the block's own context, where a loop variable does not exist).
And checked the first time a block is rendered, through its includes: every variable the kept text reads is one
of the key's values exactly (not a field of one: a model instance as a key compares by its id alone), the language, or a name the block itself sets (a loop variable, an
``as`` name); reading anything else, a member's name say, raises instead of keeping one viewer's text for all.
"""

from __future__ import annotations

import re
import weakref
from typing import Any

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import FilterExpression, Node, NodeList, Parser, Token, TokenType, Variable
from django.template.context import Context
from django.template.defaulttags import ForNode, WithNode
from django.template.engine import Engine
from django.template.loader_tags import BlockNode, IncludeNode
from django.templatetags.i18n import BlockTranslateNode
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# Per block, at most this many keys (a group's slug and name are keys, so the number of groups bounds it);
# past that the block's kept text is dropped and built again.
SHARED_MAX = 512
# Off in tests that compare a page rendered both ways.
ENABLED = True

_RECORDING = "mutualaid.shared.recording"
_MARK = re.compile("\x00per-request-(\\d+)\x00")


class PerRequestNode(Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        recording: list[PerRequestNode] | None = context.render_context.get(_RECORDING)
        if recording is None:
            return self.nodelist.render(context)
        recording.append(self)
        return f"\x00per-request-{len(recording) - 1}\x00"


# Every shared block compiled in this process, so a changed setting (tests override STATIC_ROOT, storages,
# languages) drops what was kept under the old one; settings never change in a running server.
_NODES: weakref.WeakSet[SharedNode] = weakref.WeakSet()


@receiver(setting_changed)
def _forget_kept(**kwargs: Any) -> None:
    for node in list(_NODES):
        node.kept.clear()


class SharedNode(Node):
    # Not walked by `get_nodes_by_type`: Django's `{% extends %}` looks for the parent's blocks on every
    # render, through every node, and a shared block holds none (refused when compiled).
    child_nodelists = ()

    def __init__(self, nodelist: NodeList, values: list[FilterExpression]) -> None:
        self.nodelist = nodelist
        self.values = values
        # key -> the kept text and the per-request parts between it: [text, part, text, part, …, text]
        self.kept: dict[tuple[Any, ...], tuple[str | PerRequestNode, ...]] = {}
        self.checked = False
        _NODES.add(self)

    def render(self, context: Context) -> SafeString:
        if not self.checked:
            keys = {path for value in self.values if (path := _path(value.var)) is not None}
            unkeyed = sorted(
                path
                for path in _reads(self.nodelist, _engine(context), frozenset(), set())
                if path.split(".")[0] not in _IMPLIED and path not in keys
            )
            if unkeyed:
                raise template.TemplateSyntaxError(
                    f"A {{% shared %}} block reads {' '.join(unkeyed)} without naming them among its values."
                )
            self.checked = True
        if not ENABLED:
            return mark_safe(self.nodelist.render(context))  # noqa: S308 (rendered template output)
        key = (
            translation.get_language(),
            timezone.get_current_timezone_name(),
            *(value.resolve(context) for value in self.values),
        )
        pieces = self.kept.get(key)
        if pieces is None:
            pieces = self._record(context)
            if pieces is None:  # the markers did not come out one each, in order: keep nothing
                return mark_safe(self.nodelist.render(context))  # noqa: S308
            if len(self.kept) >= SHARED_MAX:
                self.kept.clear()
            self.kept[key] = pieces
        return mark_safe(  # noqa: S308 (kept template output and rendered template nodes)
            "".join(piece if isinstance(piece, str) else piece.nodelist.render(context) for piece in pieces)
        )

    def _record(self, context: Context) -> tuple[str | PerRequestNode, ...] | None:
        recording: list[PerRequestNode] = []
        context.render_context[_RECORDING] = recording
        try:
            text = self.nodelist.render(context)
        finally:
            del context.render_context[_RECORDING]
        split = _MARK.split(text)
        pieces: list[str | PerRequestNode] = []
        for index, piece in enumerate(split):
            if index % 2 == 0:
                pieces.append(piece)
            elif int(piece) == index // 2 < len(recording):
                pieces.append(recording[index // 2])
            else:
                return None
        if len(pieces) != 2 * len(recording) + 1:
            return None
        return tuple(pieces)


# Read inside a shared block without being named: the block's key holds the language already.
_IMPLIED = frozenset({"LANGUAGE_CODE", "LANGUAGE_BIDI", "True", "False", "None"})


def _engine(context: Context) -> Engine:
    return context.template.engine if context.template is not None else Engine.get_default()


def _path(var: object) -> str | None:
    """The dotted name a template variable reads, None for a literal."""
    return str(var.var) if isinstance(var, Variable) and var.lookups is not None else None


def _expressions(value: object, seen: set[int]) -> list[FilterExpression]:
    """Every filter expression held by a node's attributes (conditions, arguments, sequences), not its nodes."""
    if id(value) in seen or isinstance(value, (str, int, float, bool, Node, NodeList)) or value is None:
        return []
    seen.add(id(value))
    if isinstance(value, FilterExpression):
        return [value]
    if isinstance(value, dict):
        return [found for item in value.values() for found in _expressions(item, seen)]
    if isinstance(value, (list, tuple)):
        return [found for item in value for found in _expressions(item, seen)]
    if hasattr(value, "__dict__"):
        return [found for item in vars(value).values() for found in _expressions(item, seen)]
    return []


def _held(node: Node) -> set[str]:
    """Names a node sets for what it holds only: loop variables, ``with`` (and include, blocktranslate) names."""
    names = set(getattr(node, "loopvars", ()) or ()) | set(getattr(node, "extra_context", None) or ())
    if isinstance(node, ForNode):
        names.add("forloop")
    return names


def _set(node: Node) -> set[str]:
    """Names a node sets for what follows it: ``as`` names."""
    return {
        name
        for attribute in ("asvar", "variable", "target_var", "var_name")
        if isinstance(name := getattr(node, attribute, None), str)
    }


def _reads(nodelist: NodeList, engine: Any, bound: frozenset[str], seen: set[int]) -> set[str]:
    """The variables ``nodelist`` reads that ``bound`` does not set, through its includes; not inside
    ``per_request`` (rendered afresh every time)."""
    paths: set[str] = set()
    for node in nodelist:
        if isinstance(node, PerRequestNode):
            continue
        inner = bound | _held(node) | _set(node)
        for expression in _expressions({k: v for k, v in vars(node).items() if k != "token"}, set()):
            for var in (expression.var, *(arg for _, args in expression.filters for _, arg in args)):
                if (path := _path(var)) is not None and path.split(".")[0] not in inner:
                    paths.add(path)
        if isinstance(node, BlockTranslateNode):
            for token in (*node.singular, *(node.plural or ())):
                if token.token_type == TokenType.VAR and token.contents.split(".")[0] not in inner:
                    paths.add(token.contents)
            if node.counter is not None and (path := _path(node.counter.var)) and path not in inner:
                paths.add(path)
        if isinstance(node, IncludeNode):
            name = node.template.var
            if isinstance(name, Variable) or not isinstance(name, str):
                raise template.TemplateSyntaxError("A {% shared %} block can include only a named template.")
            included = engine.get_template(name)
            if id(included) not in seen:
                seen.add(id(included))
                paths |= _reads(included.nodelist, engine, inner, seen)
        for attribute in getattr(node, "child_nodelists", ()):
            if isinstance(child := getattr(node, attribute, None), NodeList):
                paths |= _reads(child, engine, inner, seen)
        # An "as" name set at this level is read by what follows it.
        bound = bound | _set(node)
    return paths


@register.tag("shared")
def do_shared(parser: Parser, token: Token) -> SharedNode:
    bits = token.split_contents()[1:]
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    if nodelist.get_nodes_by_type(SharedNode):
        raise template.TemplateSyntaxError("A {% shared %} block cannot hold another one.")
    if nodelist.get_nodes_by_type(BlockNode):
        raise template.TemplateSyntaxError("A {% shared %} block cannot hold a {% block %}.")
    for holder in (*nodelist.get_nodes_by_type(ForNode), *nodelist.get_nodes_by_type(WithNode)):
        if any(getattr(holder, name).get_nodes_by_type(PerRequestNode) for name in holder.child_nodelists):
            raise template.TemplateSyntaxError("{% per_request %} cannot be inside a loop or a with.")
    return SharedNode(nodelist, [parser.compile_filter(bit) for bit in bits])


@register.tag("per_request")
def do_per_request(parser: Parser, token: Token) -> PerRequestNode:
    nodelist = parser.parse(("end_per_request",))
    parser.delete_first_token()
    return PerRequestNode(nodelist)
