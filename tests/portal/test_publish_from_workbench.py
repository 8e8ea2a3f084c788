"""发布到门户网站 from the item page: the office picks a channel, the approved press item
becomes a live article, its page links to it, and a second try is refused."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from wagtail.models import GroupPagePermission, ModelLogEntry, PageLogEntry

from tests.submissions.world import approved_item, make_world, write_item
from xinxuan.accounts.roles import GROUP_NAMES, Role
from xinxuan.portal.models import ArticlePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(portal):
    world = make_world()
    office = Group.objects.get(name=GROUP_NAMES[Role.OFFICE])
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.get_or_create(
            group=office,
            page=portal.home,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    return world


def page_of(client, item):
    return client.get(reverse("submissions:item-detail", args=[item.pk])).text


def publish(client, item, channel):
    return client.post(
        reverse("portal_admin:item-publish", args=[item.pk]), {"channel": channel.pk}, follow=True
    )


def test_the_office_sees_the_form_with_the_portals_channels(client, world, portal):
    item = approved_item(world, kind="tongxun")
    client.force_login(world.office)
    html = page_of(client, item)
    assert "发布到门户网站" in html
    assert "新闻" in html and "通知公告" in html


@pytest.mark.parametrize(
    ("who", "kind", "approved"),
    [
        pytest.param("office", "zhengwu", True, id="not-a-press-kind"),
        pytest.param("office", "tongxun", False, id="not-yet-approved"),
        pytest.param("officer", "tongxun", True, id="an-officer"),
    ],
)
def test_no_publish_form_where_it_cannot_be_used(client, world, who, kind, approved):
    item = approved_item(world, kind=kind) if approved else write_item(world, kind=kind)
    client.force_login(getattr(world, who))
    assert "发布到门户网站" not in page_of(client, item)


def test_publishing_makes_a_live_article_and_the_item_page_links_to_it(client, world, portal):
    item = approved_item(world, kind="tongxun", title="动植检处截获外来有害生物")
    client.force_login(world.office)
    response = publish(client, item, portal.notices)
    article = ArticlePage.objects.get(item=item)
    assert article.live and article.get_parent().specific == portal.notices
    assert "已发布到门户：动植检处截获外来有害生物" in response.text
    assert f'href="{article.get_url()}"' in response.text
    assert reverse("wagtailadmin_pages:edit", args=[article.pk]) in response.text
    assert "发布到门户网站" not in response.text  # the form gives way to the link
    assert PageLogEntry.objects.filter(page=article, action="portal.publish_item").exists()
    assert ModelLogEntry.objects.filter(
        action="portal.publish_item", object_id=str(item.pk), user=world.office
    ).exists()
    assert client.get(article.get_url()).status_code == 200


def test_publishing_twice_is_refused_with_the_existing_article(client, world, portal):
    item = approved_item(world, kind="tongxun", title="动植检处截获外来有害生物")
    client.force_login(world.office)
    publish(client, item, portal.news)
    response = publish(client, item, portal.notices)
    assert ArticlePage.objects.filter(item=item).count() == 1
    assert "未再次发布：该稿件已在门户发布为“动植检处截获外来有害生物”" in response.text


def test_an_officer_is_refused_with_a_chinese_message(client, world, portal):
    item = approved_item(world, kind="tongxun")
    client.force_login(world.officer)
    response = client.post(
        reverse("portal_admin:item-publish", args=[item.pk]), {"channel": portal.news.pk}
    )
    assert response.status_code == 403
    assert "只有办公室可以把稿件发布到门户" in response.text
    assert not ArticlePage.objects.filter(item=item).exists()
