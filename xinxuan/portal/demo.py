"""The demo portal: home, four channels of articles, footer pages, settings, sponsors.

Idempotent: pages are found by slug, counters are topped up only when the last day
has none (so that the most-read lists stay filled when the demo is reloaded later).
"""

from __future__ import annotations

import datetime as dt
import io
import random
from collections.abc import Callable
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.db.models import Q
from django.utils import timezone
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import GroupPagePermission, Locale, Page, Site
from wagtail.rich_text import RichText

from xinxuan.accounts.roles import GROUP_NAMES, Role
from xinxuan.organisation.demo import fictional_name
from xinxuan.portal.demo_articles import (
    ARTICLES,
    BODY_POOL,
    CHANNELS,
    FOOTER_PAGES,
    MEETING,
)
from xinxuan.portal.models import (
    ArticlePage,
    ChannelPage,
    CounterKind,
    FooterPage,
    HomePage,
    PageCounter,
    PortalSettings,
    SitemapPage,
    Sponsor,
)

TZ = ZoneInfo("Asia/Shanghai")
SITE_TITLE = "国门信宣网"
OFFICE_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def _home(log) -> HomePage:
    home = HomePage.objects.first()
    # A flushed database (transactional tests) has lost what Wagtail's migrations made.
    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(
        django_settings.LANGUAGE_CODE))  # fmt: skip
    root = Page.get_first_root_node() or Page.add_root(title="Root", slug="root")
    if home is None:
        home = HomePage(title=SITE_TITLE, slug="portal", intro="传播检验检疫好声音")
        root.add_child(instance=home)
        home.save_revision().publish()
        log("portal: home page created")
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True, root_page=home)
    site.root_page = home
    site.site_name = SITE_TITLE
    site.save()
    # Wagtail's "Welcome to your new Wagtail site!" page: a plain Page beside ours.
    for page in root.get_children().exclude(pk=home.pk):
        if page.specific_class is Page:
            page.delete()
    return home


def _image(title: str, seed: int):
    from PIL import Image as PILImage
    from PIL import ImageDraw
    from wagtail.images import get_image_model

    from xinxuan.organisation.models import Unit

    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    rng = random.Random(seed)
    picture = PILImage.new("RGB", (800, 450), (200, 40, 40))
    draw = ImageDraw.Draw(picture)
    for y in range(450):
        shade = int(120 + 100 * y / 450)
        draw.line([(0, y), (800, y)], fill=(shade, 60 + y // 6, 70 + y // 5))
    for _ in range(12):
        x, y, r = rng.randint(0, 800), rng.randint(0, 450), rng.randint(20, 90)
        draw.ellipse([x - r, y - r, x + r, y + r], outline=(255, 214, 79), width=3)
    draw.rectangle([300, 150, 500, 300], fill=(255, 214, 79))
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=80)
    # The portal's pictures belong to the office that runs it (办公室 of the demo bureau).
    office = Unit.objects.filter(code="cz-office").first()
    return Image.objects.create(
        title=title, file=ImageFile(buffer, name=f"portal-demo-{seed}.jpg"), unit=office
    )


def _body(paragraphs: list[str], image=None, caption: str = ""):
    blocks = [("paragraph", RichText(f"<p>{paragraphs[0]}</p>"))]
    if image is not None:
        blocks.append(("image", {"image": image, "caption": caption}))
    blocks += [("paragraph", RichText(f"<p>{p}</p>")) for p in paragraphs[1:]]
    return blocks


def _publish(channel: ChannelPage, slug: str, **fields) -> ArticlePage:
    article = ArticlePage.objects.filter(slug=slug).first()
    if article is not None:
        return article
    tags = fields.pop("tags", [])
    article = ArticlePage(slug=slug, **fields)
    channel.add_child(instance=article)
    article.tags.set(tags)
    revision = article.save_revision()
    revision.publish()
    article.refresh_from_db()
    ArticlePage.objects.filter(pk=article.pk).update(
        first_published_at=fields["date"], last_published_at=fields["date"]
    )
    return article


def _articles(home: HomePage, log) -> list[ArticlePage]:
    channels: dict[str, ChannelPage] = {}
    for slug, title, intro in CHANNELS:
        channel = ChannelPage.objects.filter(slug=slug).first()
        if channel is None:
            channel = ChannelPage(title=title, slug=slug, intro=intro, show_in_menus=True)
            home.add_child(instance=channel)
            channel.save_revision().publish()
        channels[slug] = channel

    director, deputy, reporter = fictional_name(1), fictional_name(2), fictional_name(90)
    names = {"director": director, "deputy": deputy, "reporter": reporter}
    meeting_date = dt.datetime.fromisoformat(MEETING["date"]).replace(tzinfo=TZ)
    meeting = _publish(
        channels["news"],
        "2012-information-publicity-meeting",
        title=MEETING["title"],
        subtitle=MEETING["subtitle"],
        summary=MEETING["summary"],
        author=MEETING["author"].format(**names),
        author_unit=MEETING["author_unit"],
        source=MEETING["source"],
        date=meeting_date,
        recommended=True,
        pinned=True,
        body=_body(
            [p.format(**names) for p in MEETING["paragraphs"]],
            _image("授牌仪式现场", 1),
            MEETING["image_caption"],
        ),
        tags=MEETING["tags"],
    )
    articles = [meeting]
    rng = random.Random(2012)
    start = dt.datetime(2011, 1, 10, 9, 0, tzinfo=TZ)
    span = (dt.datetime(2012, 12, 20, tzinfo=TZ) - start).total_seconds()
    for n, (channel_slug, title, lead, tags) in enumerate(ARTICLES):
        date = start + dt.timedelta(seconds=span * ((n * 37) % len(ARTICLES)) / len(ARTICLES))
        date = date.replace(hour=8 + n % 9, minute=(n * 13) % 60)
        pool = rng.sample(BODY_POOL, 3)
        image = _image(f"新闻图片{n % 3 + 2}", n % 3 + 2) if n % 7 == 0 else None
        articles.append(
            _publish(
                channels[channel_slug],
                f"article-{n + 1}",
                title=title,
                summary=lead,
                author=fictional_name(100 + n),
                author_unit=rng.choice(["办公室", "动植检处", "卫生检疫处", "食品处", "武进办"]),
                source="常州局" if channel_slug != "media" else "媒体摘编",
                date=date,
                recommended=n % 4 == 1,
                body=_body([lead, *pool], image, title if image else ""),
                tags=tags,
            )
        )
    for article in articles:
        if not article.related_articles.exists():
            others = [a for a in articles if a.pk != article.pk]
            related = [a for a in others if set(article.tags.names()) & set(a.tags.names())]
            article.related_articles.set(related[:3])
            article.save_revision().publish()
    log(f"portal: {len(articles)} articles in {len(channels)} channels")
    return articles


def _footer(home: HomePage) -> None:
    pages = {}
    for slug, title, body in FOOTER_PAGES:
        page = FooterPage.objects.filter(slug=slug).first()
        if page is None:
            page = FooterPage(title=title, slug=slug, body=body)
            home.add_child(instance=page)
            page.save_revision().publish()
        pages[slug] = page
    sitemap = SitemapPage.objects.first()
    if sitemap is None:
        sitemap = SitemapPage(title="网站地图", slug="sitemap")
        home.add_child(instance=sitemap)
        sitemap.save_revision().publish()
    site = Site.objects.get(is_default_site=True)
    settings = PortalSettings.for_site(site)
    if not settings.icp_number:
        order = [("contact", "联系我们"), ("sitemap", "网站地图"), ("advertising", "广告服务"),
                 ("terms", "服务声明"), ("jobs", "招聘信息")]  # fmt: skip
        settings.site_title = SITE_TITLE
        settings.copyright_holder = "常州出入境检验检疫局"
        settings.copyright_start_year = 2002
        settings.icp_number = "苏ICP备12034567号-1"
        settings.psb_number = "苏公网安备 32041102000456号"
        settings.comment_rule = (
            "请遵守互联网相关法律法规，文明发言；含有色情、暴力、反动内容的评论一律删除。"
        )
        settings.footer_links = [
            ("link", {"label": label, "page": sitemap if slug == "sitemap" else pages[slug],
                      "url": ""})
            for slug, label in order
        ]  # fmt: skip
        settings.save()


def _sponsors() -> None:
    now = timezone.now()
    for slot, (name, url, days) in enumerate(
        [
            ("质量检测仪器展（演示）", "https://example.com/expo", 365),
            ("外贸企业服务平台（演示）", "https://example.org/trade", 180),
            ("已结束的赞助（演示）", "https://example.net/old", -10),
        ],
        start=1,
    ):
        Sponsor.objects.get_or_create(
            name=name,
            defaults={
                "url": url,
                "slot": slot,
                "starts_at": now - dt.timedelta(days=abs(days) + 30),
                "ends_at": now + dt.timedelta(days=days),
            },
        )


def _counters(articles: list[ArticlePage], log) -> None:
    now = timezone.now().astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    if PageCounter.objects.filter(hour__gt=now - dt.timedelta(hours=24)).exists():
        return
    rng = random.Random(int(now.timestamp()) // 86400)
    rows = []
    for rank, article in enumerate(articles):
        popularity = 60 / (1 + rank * 0.35) * rng.uniform(0.5, 1.5)
        hours = sorted(rng.sample(range(30 * 24), rng.randint(15, 60)))
        for h in hours:
            day = max(1, int(rng.expovariate(1) * popularity / (1 + h / 72)))
            hour = now - dt.timedelta(hours=h)
            rows.append(PageCounter(page=article, kind=CounterKind.DAY, hour=hour, count=day))
            rows.append(
                PageCounter(
                    page=article, kind=CounterKind.WEEK, hour=hour, count=max(1, day * 4 // 5)
                )
            )
            rows.append(
                PageCounter(
                    page=article, kind=CounterKind.MONTH, hour=hour, count=max(1, day * 3 // 5)
                )
            )
            if rng.random() < 0.08:
                rows.append(PageCounter(page=article, kind=CounterKind.COMMENT, hour=hour, count=1))
    PageCounter.objects.bulk_create(rows, ignore_conflicts=True)
    log(f"portal: {len(rows)} hourly counters for the last 30 days")


def _permissions(home: HomePage) -> None:
    group = Group.objects.filter(name=GROUP_NAMES[Role.OFFICE]).first()
    if group is None:
        return
    for permission in Permission.objects.filter(
        Q(content_type__app_label="wagtailcore") & Q(codename__in=OFFICE_PAGE_PERMISSIONS)
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)


def load(*, log: Callable[[str], object]) -> None:
    home = _home(log)
    articles = _articles(home, log)
    _footer(home)
    _sponsors()
    _counters(articles, log)
    _permissions(home)
    from xinxuan.portal.lists import bump_generation

    bump_generation()
