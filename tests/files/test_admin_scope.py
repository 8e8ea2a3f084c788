"""The images and documents screens, choosers and the admin API list only the files
of units the user may see; a new upload belongs to the uploader's unit."""

from __future__ import annotations

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from tests.files.files import make_document, make_image

pytestmark = pytest.mark.django_db

SCREENS = [
    pytest.param("wagtailimages:index", "image", id="images-listing"),
    pytest.param("wagtailimages_chooser:choose", "image", id="image-chooser"),
    pytest.param("wagtaildocs:index", "document", id="documents-listing"),
    pytest.param("wagtaildocs_chooser:choose", "document", id="document-chooser"),
    pytest.param("wagtailadmin_api:images:listing", "image", id="images-api"),
    pytest.param("wagtailadmin_api:documents:listing", "document", id="documents-api"),
]


def text(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


@pytest.fixture
def files(world):
    """Per kind: the department's file, its sister department's, another bureau's."""
    org = world.org
    return {
        "image": [make_image(unit, title=f"{unit.name} photo")
                  for unit in (org.dept, org.other_dept, org.other_bureau_dept)],
        "document": [make_document(unit, title=f"{unit.name} notice")
                     for unit in (org.dept, org.other_dept, org.other_bureau_dept)],
    }  # fmt: skip


@pytest.mark.parametrize(("screen", "kind"), SCREENS)
def test_the_office_sees_its_bureaus_files_only(client, world, files, screen, kind):
    mine, sister, foreign = files[kind]
    client.force_login(world.office)
    page = text(client.get(reverse(screen)))
    assert mine.title in page and sister.title in page
    assert foreign.title not in page


@pytest.mark.parametrize(("screen", "kind"), SCREENS)
def test_searching_keeps_to_the_same_files(client, world, files, screen, kind):
    mine, sister, foreign = files[kind]
    client.force_login(world.office)
    search = "search" if "api" in screen else "q"
    word = "photo" if kind == "image" else "notice"
    page = text(client.get(reverse(screen), {search: word}))
    assert mine.title in page and sister.title in page
    assert foreign.title not in page


@pytest.mark.parametrize(("screen", "kind"), [p for p in SCREENS if "listing" not in p.id])
def test_an_officer_chooses_among_the_departments_files_only(client, world, files, screen, kind):
    mine, sister, foreign = files[kind]
    client.force_login(world.officer)
    page = text(client.get(reverse(screen)))
    assert mine.title in page
    assert sister.title not in page and foreign.title not in page


@pytest.mark.parametrize(
    "view",
    [
        pytest.param("wagtailimages:edit", id="image-edit"),
        pytest.param("wagtailimages:image_usage", id="image-usage"),
        pytest.param("wagtailimages_chooser:chosen", id="image-chosen"),
    ],
)
def test_another_units_image_cannot_be_opened(client, world, files, view):
    client.force_login(world.office)
    theirs = files["image"][2]
    response = client.get(reverse(view, args=[theirs.pk]))
    assert response.status_code in (302, 403, 404)
    assert theirs.title not in response.content.decode()


def test_a_preview_of_another_units_image_is_refused(client, world, files):
    client.force_login(world.office)
    theirs = files["image"][2]
    url = reverse("wagtailimages:preview", args=[theirs.pk, "max-20x20"])
    assert client.get(url).status_code in (302, 403, 404)


def png() -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (20, 20), (0, 90, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_an_uploaded_image_belongs_to_the_uploaders_unit(client, world):
    client.force_login(world.officer)
    response = client.post(
        reverse("wagtailimages_chooser:create"),
        {"image-chooser-upload-title": "新上传的照片",
         "image-chooser-upload-file": SimpleUploadedFile("x.png", png(), "image/png")},
    )  # fmt: skip
    assert response.status_code == 200
    image = get_image_model().objects.get(title="新上传的照片")
    assert image.unit == world.org.dept


def test_an_uploaded_document_belongs_to_the_uploaders_unit(client, world):
    client.force_login(world.office)
    response = client.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile("通知.pdf", b"%PDF-1.4 x", "application/pdf")},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert response.status_code == 200
    document = get_document_model().objects.get()
    assert document.unit == world.org.office


def test_staff_without_a_unit_cannot_upload(client, world, viewers):
    client.force_login(viewers["no-unit"])
    response = client.post(
        reverse("wagtailimages_chooser:create"),
        {"image-chooser-upload-title": "无主照片",
         "image-chooser-upload-file": SimpleUploadedFile("x.png", png(), "image/png")},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )  # fmt: skip
    assert "未关联任何单位" in text(response)
    assert not get_image_model().objects.filter(title="无主照片").exists()
