"""Every uploaded file is served only to those who may see its unit, or to everyone
once a live portal page shows it; path tricks never reach a file."""

from __future__ import annotations

import datetime as dt
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.files.files import make_document, make_image
from tests.submissions.world import write_item
from xinxuan.outcomes.models import Outcome, OutcomeKind

pytestmark = pytest.mark.django_db

WHO_SEES_A_DEPARTMENT_FILE = [
    pytest.param("anonymous", False, id="anonymous"),
    pytest.param("colleague", False, id="other-department"),
    pytest.param("other-bureau", False, id="other-bureau-office"),
    pytest.param("no-unit", False, id="staff-without-unit"),
    pytest.param("owner", True, id="owner-unit"),
    pytest.param("head", True, id="owner-unit-head"),
    pytest.param("office", True, id="bureau-office"),
]


def get_as(client, viewers, who, url):
    if viewers[who] is not None:
        client.force_login(viewers[who])
    return client.get(url)


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize(("who", "allowed"), WHO_SEES_A_DEPARTMENT_FILE)
def test_document(client, world, viewers, who, allowed):
    document = make_document(world.org.dept)
    response = get_as(client, viewers, who, document.url)
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        assert content(response) == b"%PDF-1.4 internal"
        assert "内部材料.pdf" in unquote(response["Content-Disposition"])
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("who", "allowed"), WHO_SEES_A_DEPARTMENT_FILE)
def test_document_by_its_stored_name(client, world, viewers, who, allowed):
    document = make_document(world.org.dept)
    response = get_as(client, viewers, who, f"/_files/{document.file.name}")
    assert response.status_code == (200 if allowed else 404)


@pytest.mark.parametrize(("who", "allowed"), WHO_SEES_A_DEPARTMENT_FILE)
def test_image_original(client, world, viewers, who, allowed):
    image = make_image(world.org.dept)
    response = get_as(client, viewers, who, image.file.url)
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        assert content(response).startswith(b"\x89PNG")
        assert "private" in response["Cache-Control"]


@pytest.mark.parametrize(("who", "allowed"), WHO_SEES_A_DEPARTMENT_FILE)
def test_image_rendition(client, world, viewers, who, allowed):
    rendition = make_image(world.org.dept).get_rendition("max-20x20")
    assert rendition.url.startswith("/_files/images/")
    response = get_as(client, viewers, who, rendition.url)
    assert response.status_code == (200 if allowed else 404)


@pytest.fixture
def evidence(world):
    item = write_item(world)
    outcome = Outcome.objects.create(
        kind=OutcomeKind.ADOPTION, item=item, unit=world.org.dept, date=dt.date(2011, 5, 20)
    )
    outcome.evidence.save("采用证明.pdf", ContentFile(b"%PDF-1.4 proof"), save=True)
    return outcome


@pytest.mark.parametrize(("who", "allowed"), WHO_SEES_A_DEPARTMENT_FILE)
def test_evidence_from_its_outcome(client, world, viewers, evidence, who, allowed):
    url = reverse("outcomes:outcome-evidence", args=[evidence.pk])
    response = get_as(client, viewers, who, url)
    if who == "anonymous":
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    elif allowed:
        assert response.status_code == 200
        assert content(response) == b"%PDF-1.4 proof"
        assert "no-store" in response["Cache-Control"]
    else:
        assert response.status_code in (403, 404)


def test_evidence_is_linked_from_the_ledger_and_the_item(client, world, evidence):
    client.force_login(world.office)
    link = reverse("outcomes:outcome-evidence", args=[evidence.pk])
    assert link in client.get(reverse("outcomes:ledger")).content.decode()
    item_page = client.get(reverse("submissions:item-detail", args=[evidence.item_id]))
    assert link in item_page.content.decode()


def test_stored_names_are_random(world):
    document = make_document(world.org.dept, name="2012年考核细则（内部）.pdf")
    image = make_image(world.org.dept, name="领导讲话.png")
    for stored in (document.file.name, image.file.name):
        assert "考核" not in stored and "讲话" not in stored
        assert len(stored.rsplit("/", 1)[1].split(".")[0]) == 32
    # …while the download keeps a name a reader understands.
    assert document.filename == "内部材料.pdf"


TRICKS = [
    pytest.param("/_files//{name}", id="double-slash"),
    pytest.param("/_files/./{name}", id="dot"),
    pytest.param("/_files/{folder}/../{name}", id="dot-dot"),
    pytest.param("/_files/{folder}%2F{base}", id="encoded-slash"),
    pytest.param("/_files/{folder}%2f..%2f{name}", id="encoded-dot-dot"),
    pytest.param("/media/{name}", id="old-media-prefix"),
    pytest.param("/media//{name}", id="old-media-double-slash"),
    pytest.param("/media//evidence/{base}", id="old-evidence-route"),
    pytest.param("/_files/evidence/{base}", id="evidence-by-name"),
    pytest.param("/static/../media/{name}", id="static-dot-dot"),
]


@pytest.mark.parametrize("pattern", TRICKS)
@pytest.mark.parametrize("kind", ["image", "document", "evidence"])
def test_path_tricks_never_serve_a_private_file(client, world, evidence, pattern, kind):
    stored = {
        "image": lambda: make_image(world.org.dept).file,
        "document": lambda: make_document(world.org.dept).file,
        "evidence": lambda: evidence.evidence,
    }[kind]()
    folder, base = stored.name.rsplit("/", 1)
    url = pattern.format(name=stored.name, folder=folder, base=base)
    for viewer in (None, world.outsider):
        if viewer is not None:
            client.force_login(viewer)
        response = client.get(url)
        assert response.status_code != 200 or b"PDF" not in content(response), url
        assert response.status_code in (301, 302, 400, 404), url
