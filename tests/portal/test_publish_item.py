import pytest
from django.core.exceptions import ValidationError
from wagtail.models import PageLogEntry

from tests.builders import make_org
from xinxuan.organisation.models import Person
from xinxuan.portal.actions import publish_item_as_article
from xinxuan.submissions.models import Item, ItemAuthor, ItemKind, ItemStatus

pytestmark = pytest.mark.django_db


def make_item(*, press=True, status=ItemStatus.APPROVED):
    org = make_org()
    kind = ItemKind.objects.create(
        name="通讯稿" if press else "政务信息", code="press" if press else "info", is_press=press
    )
    item = Item.objects.create(
        title="动植检处截获外来有害生物",
        kind=kind,
        unit=org.dept,
        body="<p>近日，动植检处在进境木质包装中截获有害生物。</p>",
        status=status,
    )
    ItemAuthor.objects.create(item=item, person=Person.objects.create(name="闻晓", unit=org.dept))
    return item


def test_approved_press_item_becomes_a_live_article_linked_to_it(client, portal):
    item = make_item()
    article = publish_item_as_article(item=item, channel=portal.news)
    assert article.live and article.item_id == item.pk
    assert article.author == "闻晓" and article.author_unit == "动植检处"
    assert PageLogEntry.objects.filter(page=article, action="portal.publish_item").exists()
    html = client.get(article.url).content.decode()
    assert "截获有害生物" in html and "闻晓" in html
    assert item.portal_articles.get() == article


@pytest.mark.parametrize(
    ("press", "status"),
    [
        pytest.param(False, ItemStatus.APPROVED, id="not-a-press-kind"),
        pytest.param(True, ItemStatus.DRAFT, id="not-approved"),
    ],
)
def test_other_items_are_refused(portal, press, status):
    with pytest.raises(ValidationError):
        publish_item_as_article(item=make_item(press=press, status=status), channel=portal.news)


def test_an_item_is_published_once(portal):
    item = make_item()
    publish_item_as_article(item=item, channel=portal.news)
    with pytest.raises(ValidationError):
        publish_item_as_article(item=item, channel=portal.news)
