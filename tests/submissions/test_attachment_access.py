"""An item's attachment is downloaded only by those who may see the unit it belongs to."""

import pytest

from tests.builders import make_user
from tests.files.files import make_document
from tests.submissions.world import make_world, write_item
from xinxuan.accounts.roles import Role
from xinxuan.submissions.models import ItemAttachment

pytestmark = pytest.mark.django_db


@pytest.fixture
def attached(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    item = write_item(world)
    document = make_document(world.org.dept)
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
