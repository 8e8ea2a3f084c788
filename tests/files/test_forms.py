"""A form never takes another unit's image or document: not by a forged chooser id,
not by an embed or link typed into rich text."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text

from tests.files.files import make_document, make_image
from tests.submissions.test_item_form_scope import ADD, inline
from xinxuan.organisation.models import Person
from xinxuan.submissions.models import Item

pytestmark = pytest.mark.django_db

REFUSED = "属于您职责范围以外的单位"


def post_item(client, world, *, photos=(), attachments=(), body="<p>正文</p>"):
    me = Person.objects.get(user=world.officer)
    data = {
        "title": "带附件的稿件",
        "kind": world.kinds["zhengwu"].pk,
        "unit": world.org.dept.pk,
        "body": rich_text(body),
        "commission": "",
        **inline("unit_shares", [{"unit": world.org.dept.pk, "share": "1"}]),
        **inline("author_shares", [{"person": me.pk, "share": "1"}]),
        **inline("photos", [{"image": image.pk, "caption": ""} for image in photos]),
        **inline("attachments", [{"document": doc.pk} for doc in attachments]),
    }
    client.force_login(world.officer)
    return client.post(reverse(ADD), data, HTTP_ACCEPT_LANGUAGE="zh-hans")


def created(world) -> bool:
    return Item.objects.filter(title="带附件的稿件").exists()


@pytest.mark.parametrize("owner", ["other_dept", "other_bureau_dept"])
def test_a_forged_photo_id_is_refused(client, world, owner):
    theirs = make_image(getattr(world.org, owner), title="别人的照片")
    response = post_item(client, world, photos=[theirs])
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not created(world)


@pytest.mark.parametrize("owner", ["other_dept", "other_bureau_dept"])
def test_a_forged_attachment_id_is_refused(client, world, owner):
    theirs = make_document(getattr(world.org, owner), title="别人的材料")
    response = post_item(client, world, attachments=[theirs])
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not created(world)


def test_an_image_embedded_in_the_body_is_refused(client, world):
    theirs = make_image(world.org.other_bureau_dept, title="别人的照片")
    body = f'<p>正文</p><embed embedtype="image" id="{theirs.pk}" format="left" alt="x"/>'
    response = post_item(client, world, body=body)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not created(world)


def test_a_document_linked_in_the_body_is_refused(client, world):
    theirs = make_document(world.org.other_dept, title="别人的材料")
    body = f'<p><a linktype="document" id="{theirs.pk}">附件</a></p>'
    response = post_item(client, world, body=body)
    assert response.status_code == 200
    assert REFUSED in response.content.decode()
    assert not created(world)


def test_the_units_own_files_are_taken(client, world):
    photo = make_image(world.org.dept)
    document = make_document(world.org.dept)
    body = f'<p>正文</p><embed embedtype="image" id="{photo.pk}" format="left" alt="x"/>'
    response = post_item(client, world, photos=[photo], attachments=[document], body=body)
    assert response.status_code == 302
    item = Item.objects.get(title="带附件的稿件")
    assert item.photos.get().image == photo
    assert item.attachments.get().document == document


def test_a_missing_file_id_is_refused_without_a_server_error(client, world):
    response = post_item(client, world, body='<p><a linktype="document" id="99999">x</a></p>')
    assert response.status_code == 200
    assert not created(world)
