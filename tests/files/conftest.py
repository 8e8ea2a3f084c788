import pytest
from django.core.cache import cache

from tests.builders import make_user
from tests.submissions.world import make_world
from xinxuan.accounts.roles import Role


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    # Wagtail keeps renditions in the cache by image id; ids come again after a rollback.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def viewers(world):
    """Who asks: the keys name the relation to a file of world.org.dept."""
    return {
        "anonymous": None,
        "owner": world.officer,
        "head": world.head,
        "office": world.office,
        "colleague": make_user("colleague", role=Role.OFFICER, unit=world.org.other_dept),
        "other-bureau": world.outsider,
        "no-unit": make_user("nounit", role=Role.OFFICE),
    }
