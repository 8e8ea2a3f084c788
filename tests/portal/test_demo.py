import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from xinxuan.portal import demo
from xinxuan.portal.models import ArticlePage, HomePage, PageCounter

pytestmark = pytest.mark.django_db


def test_demo_replaces_the_welcome_page_and_is_idempotent(client):
    assert Page.objects.filter(depth=2).count() == 1  # Wagtail's welcome page
    demo.load(log=lambda _m: None)
    counts = (ArticlePage.objects.count(), PageCounter.objects.count(), Page.objects.count())
    demo.load(log=lambda _m: None)
    assert (
        ArticlePage.objects.count(),
        PageCounter.objects.count(),
        Page.objects.count(),
    ) == counts
    home = HomePage.objects.get()
    assert [p.specific_class for p in Page.objects.filter(depth=2)] == [HomePage]
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert ArticlePage.objects.live().count() >= 40
    years = {a.date.year for a in ArticlePage.objects.all()}
    assert years == {2011, 2012}

    html = client.get("/").content.decode()
    assert html.count('class="rank') >= 30  # recommended, most read and hot are filled
    meeting = ArticlePage.objects.get(slug="2012-information-publicity-meeting")
    assert meeting.author in client.get(meeting.url).content.decode()
    assert meeting.url in client.get("/search/", {"q": "示范点"}).content.decode()


def test_demo_command_runs_the_portal_loader():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert HomePage.objects.exists()
