"""Hostile input to every URL of the workbench and the portal never gives a server error.

Every URL pattern is read from the resolver (so a screen added later is covered), filled
with ids of another bureau's objects and with hostile numbers and strings, then sent, as
every role in turn: a GET with hostile query parameters, and a POST of the page's own
form fields (read from the page) with hostile values and forged extra fields.  Values come
from hypothesis with a fixed seed, so a failure repeats.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.security.routes import Route, all_routes, form_fields
from tests.security.world import ROLES, SecurityWorld, make_security_world
from xinxuan.submissions.models import ItemAuthor, ItemUnit

pytestmark = pytest.mark.django_db

# URL names the sweep does not send hostile input to, each with why.
SKIPPED = {
    "wagtailadmin_logout": "ends the session the sweep is using",
    "wagtailadmin_error_test": "Wagtail's page that raises on purpose to show the 500 page",
}

# Server errors found by this suite in code owned by another helper of issue 9, open
# until their fixes are merged: (URL name, what fails) -> owner.  Remove an entry when
# its fix lands.
# (URL name, exception) pairs tolerated while a fix is pending; none today.
KNOWN_OPEN: dict[tuple[str, str], str] = {}

TEXT = [
    "",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\r\n\t",
    "' OR '1'='1' --",
    '"; DROP TABLE submissions_item; --',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 7*7 }}{% debug %}",
    "%s%n%x%(name)s",
    "../../../../etc/passwd",
    "\u202e\u200b\ufeff\u0301",
    "𝕏😀\U000e0001",
    "null",
    "[]",
    '{"blocks": [',
    '{"blocks":[{"key":"a","text":"x","type":"unstyled","depth":0,'
    '"inlineStyleRanges":[],"entityRanges":[{"offset":0,"length":1,"key":9}]}],'
    '"entityMap":{}}',
    '[{"type":"paragraph","value":{"x":[1e999]}}]',
    "javascript:alert(1)",
    "//evil.example/",
    "https://evil.example/phish",
    "\\\\evil.example",
]
NUMBERS = [
    "-1",
    "0",
    "-0",
    "2147483648",
    "9223372036854775808",
    "1" + "0" * 40,
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "-inf",
    "1e-999",
    "3.14159265358979323846264338327950288",
    "0x1f",
    "١٢٣",
]
HUGE_INTS = [0, 2**31, 2**63, 10**40]

LONG = ["x" * 3_000, "字" * 3_000, "\x00" * 1_000, "'" * 1_000]  # beyond every max_length
POOL = TEXT + NUMBERS


def hostile(data, salt: int, label: str) -> str:
    """A hostile string.  The drawn number is mixed with ``salt`` (where the value goes)
    so that even hypothesis's first, simplest example spreads over the whole pool."""
    pick = data.number() + salt
    if pick % 11 == 0:
        return data.text()
    if pick % 13 == 0:
        return LONG[pick % len(LONG)]
    return POOL[pick % len(POOL)]


FILES = [b"", b"PK\x03\x04\x14\x00garbage", b"\xff\xfe\x00", b"a,b\n" * 9]
NAMES = ["x.xlsx", "x.csv", "x.png", "x.pdf", "../x"]
QUERY_NAMES = [
    "q",
    "p",
    "next",
    "ordering",
    "export",
    "page",
    "unit",
    "kind",
    "status",
    "year",
    "parent",
    "within",
    "format",
]


@dataclass
class Sweep:
    world: SecurityWorld
    requests: int = 0
    errors: list[str] = field(default_factory=list)
    failed: set[tuple[str, str]] = field(default_factory=set)
    clients: dict[str, Client] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        client = self.clients.get(role)
        if client is None:
            client = self.clients[role] = Client(raise_request_exception=False)
        user = self.world.users[role]
        if user is not None and not client.cookies.get(django_settings.SESSION_COOKIE_NAME):
            client.force_login(user)  # again when a POST has logged it out
        return client

    def send(self, role: str, route: Route, method: str, path: str, data, note: str):
        caught: list[BaseException] = []

        def catch(sender, request=None, **kwargs):
            import sys

            caught.append(sys.exc_info()[1])

        got_request_exception.connect(catch)
        try:
            client = self.client(role)
            response = client.get(path, data) if method == "GET" else client.post(path, data)
        except Exception as error:  # noqa: BLE001 - an exception the client let through
            caught.append(error)
            response = None
        finally:
            got_request_exception.disconnect(catch)
        self.requests += 1
        status = response.status_code if response is not None else 0
        location = response.get("Location", "") if response is not None else ""
        if 300 <= status < 400 and urlsplit(location).netloc not in ("", "testserver"):
            self.errors.append(
                f"{method} {path[:200]} as {role}: redirects off the site to "
                f"{location[:100]} ({note})"
            )
        if status >= 500 or caught:
            kind = type(caught[0]).__name__ if caught else f"HTTP {status}"
            self.failed.add((route.name, kind))
            if (route.name, kind) not in KNOWN_OPEN:
                self.errors.append(
                    f"{method} {path[:200]} as {role} ({note}): {kind}: "
                    f"{str(caught[0])[:300] if caught else ''}"
                )
        return response


def foreign_ids(world: SecurityWorld) -> list[int]:
    """Ids of objects of another bureau, and of another province."""
    ids = []
    for name in ("other_bureau", "other_province"):
        place = world.places[name]
        ids += [
            place.item.pk,
            place.outcome.pk,
            place.document.pk,
            place.commission.pk,
            place.person.pk,
            place.unit.pk,
            place.bureau.pk,  # a bureau's own screens (its options)
            place.unit_target.pk,
        ]
    return ids


def path_values(data, world: SecurityWorld, salt: int):
    ints = foreign_ids(world) + HUGE_INTS

    def value_for(param: str, converter: str) -> Iterator[object]:
        pick = data.number() + salt
        if converter == "int":
            yield ints[pick % len(ints)]
        elif pick % 2:
            yield hostile(data, salt, param)[:300]
        yield str(ints[pick % len(ints)])
        yield "live"
        yield 1  # a pattern that accepts nothing above still gets swept

    return value_for


def forged_fields(world: SecurityWorld) -> dict[str, object]:
    """Fields no form of ours shows, pointing at another bureau's rows."""
    place = world.places["other_bureau"]
    unit_share = ItemUnit.objects.filter(item=place.item).first()
    author = ItemAuthor.objects.filter(item=place.item).first()
    return {
        "id": place.item.pk,
        "pk": place.item.pk,
        "unit": place.unit.pk,
        "created_by": place.item.pk,
        "is_superuser": "on",
        "status": "reported",
        "unit_shares-TOTAL_FORMS": "1",
        "unit_shares-INITIAL_FORMS": "1",
        "unit_shares-0-id": unit_share.pk if unit_share else 1,
        "unit_shares-0-unit": place.unit.pk,
        "unit_shares-0-share": "1",
        "author_shares-TOTAL_FORMS": "1",
        "author_shares-INITIAL_FORMS": "1",
        "author_shares-0-id": author.pk if author else 1,
        "author_shares-0-person": place.person.pk,
        "author_shares-0-share": "1",
        "next": "https://evil.example/",
    }


def hostile_post(data, page_html: str, world: SecurityWorld, salt: int) -> dict[str, object]:
    fields = form_fields(page_html)
    body: dict[str, object] = {}
    if (data.number() + salt) % 2:
        body.update(forged_fields(world))
    for number, name in enumerate(fields.names):
        if name == "csrfmiddlewaretoken":
            continue
        options = fields.options.get(name)
        if name in fields.files:
            content = FILES[data.number() % len(FILES)]
            body[name] = SimpleUploadedFile(NAMES[data.number() % len(NAMES)], content)
        elif options and (data.number() + salt + number) % 2:
            body[name] = options[(salt + number) % len(options)]  # reach deeper checks
        else:
            body[name] = hostile(data, salt + number * 7, name)
    return body


@dataclass
class Draws:
    """Values hypothesis drew before the sweep, handed out in turn (the sweep's path
    through the site depends on the pages, so it cannot draw as it goes)."""

    numbers: list[int]
    texts: list[str]
    turn: int = 0

    def number(self) -> int:
        self.turn += 1
        return self.numbers[self.turn % len(self.numbers)]

    def text(self) -> str:
        self.turn += 1
        return self.texts[self.turn % len(self.texts)]


ROUTES = [r for r in all_routes() if r.name not in SKIPPED]


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return make_security_world()


def test_hostile_input_never_gives_a_server_error(world, record_property):
    started = time.process_time()
    sweep = Sweep(world)
    logging.disable(logging.CRITICAL)  # the 500s are reported below, not logged

    @settings(
        max_examples=1,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(
        numbers=st.lists(st.integers(0, 10**6), min_size=97, max_size=97),
        texts=st.lists(
            st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
            min_size=13,
            max_size=13,
        ),
    )
    def sweep_all(numbers, texts):
        data = Draws(numbers, texts)
        for index, route in enumerate(ROUTES):
            salt = index * 31
            path = route.fill(path_values(data, world, salt))
            if path is None:
                continue
            query = {name: hostile(data, salt + n * 5, name) for n, name in enumerate(QUERY_NAMES)}
            # the superuser reaches every form: a GET with hostile parameters, then the
            # page's own fields posted back with hostile values
            page = sweep.send("superuser", route, "GET", path, query, f"query {query!r:.300}")
            html = page.content.decode(errors="replace") if page is not None else ""
            body = hostile_post(data, html, world, salt)
            sweep.send("superuser", route, "POST", path, body, f"form {body!r:.300}")
            # the other roles take turns sending the same form
            role = ROLES[1 + index % (len(ROLES) - 1)]
            sweep.send(role, route, "POST", path, body, f"form {body!r:.300}")

    try:
        sweep_all()
    finally:
        logging.disable(logging.NOTSET)
    summary = (
        f"hostile-input suite: {sweep.requests} requests to {len(ROUTES)} URL patterns, "
        f"{len(sweep.errors)} server errors ({time.process_time() - started:.0f} s)"
    )
    record_property("summary", summary)
    assert not sweep.errors, summary + "\n" + "\n".join(sweep.errors[:40])
    # KNOWN_OPEN entries are tolerated, not required: whether a hostile value hits them
    # depends on the values drawn (the role matrix requires the item-search ones).


def test_a_bureaus_own_screens_take_hostile_input(world):
    """The sweep above fills ids at random, so it may miss the one screen that opens
    only a bureau (its options); sent here to the own bureau, by its office and the
    superuser, every hostile value in turn and the forged fields."""
    bureau = world.places["own"].bureau
    route = next(r for r in ROUTES if r.name == "submissions:bureau-options")
    path = route.fill(lambda param, converter: iter([bureau.pk]))
    sweep = Sweep(world)
    logging.disable(logging.CRITICAL)
    try:
        for role in ("office", "superuser", "head"):
            for value in [*TEXT, *NUMBERS, *LONG, "on", "off", "false"]:
                body = {"auto_submission": value, **forged_fields(world)}
                response = sweep.send(role, route, "POST", path, body, f"value {value!r:.40}")
                assert response is not None and response.status_code in (302, 403), role
    finally:
        logging.disable(logging.NOTSET)
    assert not sweep.errors, "\n".join(sweep.errors[:40])
    assert sweep.requests > 100
    bureau.refresh_from_db()
    assert bureau.auto_submission is False  # the last value sent was "false"
