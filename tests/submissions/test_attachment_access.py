"""An item's attachment is downloaded only by those who may see the item's unit."""

import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from tests.builders import make_user
from tests.submissions.world import make_world, write_item
from xinxuan.accounts.roles import Role
from xinxuan.submissions.models import ItemAttachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def attached(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    item = write_item(world)
    document = Document(title="内部材料")
    document.file.save("internal.pdf", ContentFile(b"%PDF-1.4 internal"), save=True)
    ItemAttachment.objects.create(item=item, document=document)
    return world, document.url


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        pytest.param("officer", True, id="owner"),
        pytest.param("office", True, id="office"),
        pytest.param("colleague", False, id="colleague"),
        pytest.param("outsider", False, id="outsider"),
        pytest.param("anonymous", False, id="anonymous"),
    ],
)
def test_attachment_download(client, attached, who, allowed):
    world, url = attached
    users = {
        "officer": world.officer,
        "office": world.office,
        "outsider": world.outsider,
        "colleague": make_user("colleague", role=Role.OFFICER, unit=world.org.other_dept),
    }
    if who != "anonymous":
        client.force_login(users[who])
    response = client.get(url)
    assert (response.status_code == 200) is allowed
