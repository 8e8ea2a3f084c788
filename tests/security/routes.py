"""Every URL pattern of the site, read from the resolver, and ways to fill it in.

The security tests walk ``get_resolver().url_patterns`` instead of a list written by
hand, so a screen added later is covered without anybody remembering to add it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full name (``namespace:name``), its parameters and the
    converter of each (``int``, ``str``, ``slug``, ``path``, ``uuid`` or ``regex``)."""

    name: str | None
    pattern: str
    params: tuple[tuple[str, str], ...]

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0] if self.name else ""

    def fill(self, value_for: Callable[[str, str], Iterable[object]]) -> str | None:
        """The path with, for each parameter, the first value offered by
        ``value_for(param, converter)`` that the pattern accepts; None if there is none."""
        if self.name is None:
            return None
        chosen: dict[str, object] = {}
        for param, converter in self.params:
            for value in value_for(param, converter):
                rest = {p: 1 for p, _c in self.params if p not in chosen and p != param}
                if _reverse(self.name, {**chosen, param: value, **rest}) is not None:
                    chosen[param] = value
                    break
            else:
                return None
        return _reverse(self.name, chosen)


def _reverse(name: str, kwargs: dict[str, object]) -> str | None:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _params(pattern) -> list[tuple[str, str]]:
    converters = getattr(pattern, "converters", None)
    if converters:
        names = {"IntConverter": "int", "StringConverter": "str", "SlugConverter": "slug"}
        return [(name, names.get(type(conv).__name__, "path")) for name, conv in converters.items()]
    regex = getattr(pattern, "regex", None)
    if regex is not None and regex.groupindex:
        return [(name, "regex") for name in regex.groupindex]
    return []


def _walk(
    patterns, prefix: str, namespace: str | None, params: list[tuple[str, str]]
) -> Iterator[Route]:
    for p in patterns:
        mine = params + _params(p.pattern)
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns, mine)
        elif isinstance(p, URLPattern):
            name = None
            if p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
            yield Route(name=name, pattern=prefix + str(p.pattern), params=tuple(mine))


def all_routes() -> list[Route]:
    """Every named URL pattern, once per distinct parameter list."""
    seen: set[tuple[str | None, tuple]] = set()
    routes = []
    for route in _walk(get_resolver().url_patterns, "/", None, []):
        key = (route.name, route.params)
        if route.name is None or key in seen:
            continue
        seen.add(key)
        routes.append(route)
    return routes


class FormFields(HTMLParser):
    """The names of the fields of the forms on a page (input, select, textarea)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: list[str] = []
        self.options: dict[str, list[str]] = {}
        self.files: set[str] = set()
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs = dict(attrs)
        name = attrs.get("name")
        kind = attrs.get("type")
        if (
            tag in ("input", "select", "textarea")
            and name
            and name not in self.names
            and kind not in ("submit", "button", "image", "reset")
        ):
            self.names.append(name)
            if kind == "file":
                self.files.add(name)
        if tag == "select":
            self._select = name
        elif tag == "option" and self._select and attrs.get("value"):
            self.options.setdefault(self._select, []).append(attrs["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def form_fields(html: str) -> FormFields:
    parser = FormFields()
    with contextlib.suppress(AssertionError, ValueError):  # a broken page shows in its status
        parser.feed(html)
    return parser
