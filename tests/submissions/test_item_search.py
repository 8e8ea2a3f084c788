"""The item list's search answers every role that may list items."""

import pytest
from django.urls import reverse

from tests.submissions.world import make_world, write_item
from xinxuan.submissions import actions

pytestmark = pytest.mark.django_db

INDEX = "wagtailsnippets_submissions_item:list"


@pytest.mark.parametrize(
    "who", [pytest.param(w, id=w) for w in ("officer", "head", "office", "leader")]
)
def test_searching_the_item_list_answers_every_role(client, who):
    world = make_world()
    write_item(world, title="输欧盟中药面临生死考验")
    actions.create_item(
        user=world.outsider,
        title="中药口岸疫情防控",
        kind=world.kinds["zhengwu"],
        unit=world.org.other_bureau_dept,
    )
    if who == "leader":
        from tests.builders import make_user
        from xinxuan.accounts.roles import Role

        user = make_user("leader", role=Role.LEADER, unit=world.org.bureau)
    else:
        user = getattr(world, who)
    client.force_login(user)
    response = client.get(reverse(INDEX), {"q": "中药"})
    assert response.status_code == 200
    assert "输欧盟中药面临生死考验" in response.text
    assert "中药口岸疫情防控" not in response.text
