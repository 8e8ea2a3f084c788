"""The public news portal: home, channels, articles, footer pages, settings, sponsors.

Lists (recommended / most read / hot) are computed in ``lists.py`` and served from the
cache; view counts are gathered by ``counting.py`` and stored as hourly buckets here.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page
from wagtail.search import index

from xinxuan.files.references import refuse_unseen_files
from xinxuan.portal import search as portal_search

# ---------------------------------------------------------------------------
# Body blocks


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "portal/blocks/captioned_image.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"), features=["bold", "italic", "link", "ol", "ul", "h3"]
    )
    image = CaptionedImageBlock()
    quote = blocks.BlockQuoteBlock(label=_("Quote"))


class FooterLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("label"), max_length=30)
    page = blocks.PageChooserBlock(label=_("page"), required=False)
    url = blocks.URLBlock(label=_("address"), required=False)

    class Meta:
        icon = "link"
        label = _("Footer link")


# ---------------------------------------------------------------------------
# Pages


# First path segments the application answers itself (config/urls.py, xinxuan/portal/urls.py,
# Wagtail's own): a page directly under the home page with one of these slugs would
# never be reached.  tests/portal/test_reserved_slugs.py keeps the list complete.
RESERVED_SLUGS = frozenset(
    {
        "_files",
        "_util",
        "admin",
        "captcha",
        "comments",
        "documents",
        "go",
        "healthz",
        "hit",
        "i18n",
        "images",
        "readers",
        "robots.txt",
        "favicon.ico",
        "search",
        "sitemap.xml",
        "static",
    }
)


class PortalPageForm(WagtailAdminPageForm):
    """The page editor's form: refuses images and documents the editor may not see
    (a page shows its pictures to everyone once live, see xinxuan/files)."""

    def clean(self):
        cleaned = super().clean()
        refuse_unseen_files(self, self.for_user)
        return cleaned


class PortalPage(Page):
    """Behaviour shared by every portal page: full-page caching for anonymous readers."""

    # Anonymous responses of these pages may be stored by PageCacheMiddleware and by
    # the reverse proxy (see docs/portal.md, "Caching").
    portal_cacheable = True
    # A page whose parent is the home page has an address of one segment (/news/).
    top_level = False
    base_form_class = PortalPageForm

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.top_level and self.slug.lower() in RESERVED_SLUGS:
            raise ValidationError(
                {
                    "slug": _(
                        "The address /%(slug)s/ is reserved for the system (files, the "
                        "workbench, search …); choose another slug."
                    )
                    % {"slug": self.slug}
                }
            )

    def serve(self, request: HttpRequest, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if self.portal_cacheable and not request.GET:
            response.portal_cacheable = True  # type: ignore[attr-defined]
        return response

    def get_channels(self):
        return ChannelPage.objects.live().in_menu().order_by("path")

    def shared_context(self) -> dict:
        """Context that changes only when something is published, cached until then.

        Keeps an uncached page view to the few queries of routing (docs/portal.md).
        """
        from django.core.cache import cache

        from xinxuan.portal.lists import generation, list_seconds

        key = f"portal:context:{generation()}:{self.pk}"
        context = cache.get(key)
        if context is None:
            context = self.build_shared_context()
            cache.set(key, context, list_seconds())
        return context

    def build_shared_context(self) -> dict:
        return {"channels": list(self.get_channels()), "lists_channel": None}

    def get_context(self, request: HttpRequest, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # A preview shows the editor's unsaved fields: build it fresh, and keep it out of
        # the cache readers are served from.
        if getattr(request, "is_preview", False):
            context.update(self.build_shared_context())
        else:
            context.update(self.shared_context())
        return context


class HomePage(PortalPage):
    """The portal's front page: headlines from every channel and the three lists."""

    intro = models.CharField(_("slogan"), max_length=200, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["portal.ChannelPage", "portal.FooterPage", "portal.SitemapPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("portal home page")

    def route(self, request, path_components):
        # One query for the whole path instead of one per level: the portal is
        # shallow but read a lot (see docs/portal.md, "Speed").
        if path_components:
            url_path = self.url_path + "/".join(path_components) + "/"
            page = Page.objects.filter(url_path=url_path).first()
            if page is not None:
                page = page.specific
                if not page.live:
                    raise Http404
                return page.route(request, [])
        return super().route(request, path_components)

    def build_shared_context(self) -> dict:
        channels = list(self.get_channels())
        latest = (
            ArticlePage.objects.live()
            .descendant_of(self)
            .order_by("-date", "-pk")
            .only("title", "url_path", "date", "subtitle", "summary", "path", "depth")
        )
        blocks_by_channel = []
        for channel in channels:
            items = [a for a in latest.child_of(channel)[:8]]
            blocks_by_channel.append((channel, items))
        return {
            "channels": channels,
            "headline": latest.first(),
            "latest": list(latest[:10]),
            "channel_blocks": blocks_by_channel,
            "lists_channel": None,
        }


class ChannelPage(RoutablePageMixin, PortalPage):
    """A channel (栏目) such as 新闻, 工作动态, 通知公告, 媒体聚焦: a paginated list."""

    top_level = True

    intro = models.CharField(_("introduction"), max_length=300, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["portal.ArticlePage"]
    parent_page_types = ["portal.HomePage"]
    per_page = 20

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def articles(self):
        return ArticlePage.objects.live().child_of(self).order_by("-date", "-pk")

    @path("")
    def index_route(self, request: HttpRequest):
        paginator = Paginator(self.articles(), self.per_page)
        try:
            page_obj = paginator.page(request.GET.get("page", 1))
        except (EmptyPage, PageNotAnInteger) as error:
            raise Http404 from error
        return self.render(request, context_overrides={"page_obj": page_obj})

    @path("rss/", name="rss")
    def rss_route(self, request: HttpRequest):
        from xinxuan.portal.feeds import ChannelRssFeed

        return ChannelRssFeed()(request, channel=self)

    @path("atom/", name="atom")
    def atom_route(self, request: HttpRequest):
        from xinxuan.portal.feeds import ChannelAtomFeed

        return ChannelAtomFeed()(request, channel=self)

    def serve(self, request: HttpRequest, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        # The first page of a channel is the one most read; later pages vary by query.
        if set(request.GET) <= {"page"}:
            response.portal_cacheable = True  # type: ignore[attr-defined]
        return response

    def get_cached_paths(self):
        return ["/", "/rss/", "/atom/"]

    def build_shared_context(self) -> dict:
        return {"channels": list(self.get_channels()), "lists_channel": self}


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "portal.ArticlePage", related_name="tagged_items", on_delete=models.CASCADE
    )


class ArticlePage(PortalPage):
    """A news article with its byline, source and photos."""

    subtitle = models.CharField(_("subtitle"), max_length=200, blank=True)
    author = models.CharField(
        _("author"), max_length=100, blank=True, help_text=_("The byline, e.g. the reporter.")
    )
    author_unit = models.CharField(_("author's unit"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    date = models.DateTimeField(_("publication date"), default=timezone.now, db_index=True)
    summary = models.TextField(_("summary"), blank=True, max_length=500)
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"), blank=True)
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name=_("tags"))
    related_articles = ParentalManyToManyField(
        "self", blank=True, symmetrical=False, verbose_name=_("related articles")
    )
    recommended = models.BooleanField(
        _("recommended"), default=False, help_text=_("Show in the recommended list.")
    )
    pinned = models.BooleanField(
        _("pinned"), default=False, help_text=_("Keep at the top of the recommended list.")
    )
    recommended_until = models.DateTimeField(
        _("recommended until"),
        null=True,
        blank=True,
        help_text=_("The recommendation and the pin end at this time; empty means no end."),
    )

    # Set when the article was published from an approved press item, so that its
    # publication on the bureau's own site can count as an outcome of the item.
    item = models.ForeignKey(
        "submissions.Item",
        verbose_name=_("press item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="portal_articles",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("subtitle"),
        FieldRowPanel([FieldPanel("author"), FieldPanel("author_unit"), FieldPanel("source")]),
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("tags"),
        FieldPanel("related_articles"),
    ]
    promote_panels = [
        *Page.promote_panels,
        MultiFieldPanel(
            [FieldPanel("recommended"), FieldPanel("pinned"), FieldPanel("recommended_until")],
            heading=_("Recommendation"),
        ),
        FieldPanel("item", read_only=True),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("search_text"),
        index.FilterField("date"),
    ]
    parent_page_types = ["portal.ChannelPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def clean(self) -> None:
        super().clean()
        if self.pinned and not self.recommended:
            raise ValidationError({"pinned": _("Only a recommended article can be pinned.")})

    def body_text(self) -> str:
        parts = []
        for block in self.body:
            if block.block_type == "paragraph":
                parts.append(re.sub(r"<[^>]+>", " ", block.value.source))
            elif block.block_type == "image":
                parts.append(block.value.get("caption") or "")
            else:
                parts.append(str(block.value))
        return " ".join(parts)

    def search_text(self) -> str:
        """Title, subtitle, byline and body cut into words by jieba, for the search index."""
        return portal_search.segment(
            " ".join([self.title, self.subtitle, self.summary, self.author, self.body_text()])
        )

    def is_recommended_at(self, moment) -> bool:
        return self.recommended and (
            self.recommended_until is None or self.recommended_until > moment
        )

    @cached_property
    def channel(self):
        return self.get_parent().specific

    def build_shared_context(self) -> dict:
        # The ids, not the relation's queryset: in a preview the relation is held in
        # memory (a modelcluster FakeQuerySet), which cannot filter by live.
        related_ids = [article.pk for article in self.related_articles.all()]
        related = list(
            ArticlePage.objects.live()
            .filter(pk__in=related_ids)
            .order_by("-date")
            .only("title", "url_path", "date", "path", "depth")[:6]
        )
        if len(related) < 6:
            related += list(
                ArticlePage.objects.live()
                .sibling_of(self, inclusive=False)
                .exclude(pk__in=[r.pk for r in related])
                .order_by("-date")
                .only("title", "url_path", "date", "path", "depth")[: 6 - len(related)]
            )
        return {
            "channels": list(self.get_channels()),
            "lists_channel": self.channel,
            "related": related,
            "tags": list(self.tags.all()),
        }


def recommended_filter(moment) -> Q:
    return Q(recommended=True) & (
        Q(recommended_until__isnull=True) | Q(recommended_until__gt=moment)
    )


class FooterPage(PortalPage):
    """联系我们, 广告服务, 服务声明, 招聘信息 and the like."""

    top_level = True

    body = RichTextField(_("body"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("footer page")


class SitemapPage(PortalPage):
    """网站地图: the page tree for readers (sitemap.xml is for robots)."""

    top_level = True

    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("site map page")

    def get_context(self, request: HttpRequest, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        home = self.get_parent()
        sections = []
        for child in home.get_children().live().public().specific():
            articles = []
            if isinstance(child, ChannelPage):
                articles = list(child.articles().only("title", "url_path", "path", "depth")[:20])
            sections.append((child, articles))
        context.update(home=home, sections=sections)
        return context


# ---------------------------------------------------------------------------
# Site settings and sponsors

ICP_RE = re.compile(r"^[\u4e00-\u9fa5]ICP(备|证)\d{6,10}号(-\d{1,3})?$")
PSB_RE = re.compile(r"^[\u4e00-\u9fa5]{1,4}公网安备\s?(\d{14})号$")
ICP_FILING_URL = "https://beian.miit.gov.cn/"
PSB_FILING_URL = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"


def validate_icp_number(value: str) -> None:
    if value and not ICP_RE.match(value):
        raise ValidationError(
            _("Enter the ICP number as issued, e.g. 苏ICP备12345678号 or 苏ICP备12345678号-1.")
        )


def validate_psb_number(value: str) -> None:
    if value and not PSB_RE.match(value):
        raise ValidationError(
            _(
                "Enter the public-security filing number as issued, "
                "e.g. 苏公网安备 32040202000123号."
            )
        )


@register_setting(icon="site")
class PortalSettings(BaseSiteSetting):
    site_title = models.CharField(_("site title"), max_length=60, default="信宣网")
    copyright_holder = models.CharField(_("copyright holder"), max_length=100, blank=True)
    copyright_start_year = models.PositiveIntegerField(
        _("copyright from year"), null=True, blank=True
    )
    copyright_end_year = models.PositiveIntegerField(
        _("copyright to year"),
        null=True,
        blank=True,
        help_text=_("Empty means the current year."),
    )
    icp_number = models.CharField(
        _("ICP number"), max_length=40, blank=True, validators=[validate_icp_number]
    )
    psb_number = models.CharField(
        _("public-security filing number"),
        max_length=40,
        blank=True,
        validators=[validate_psb_number],
    )
    comment_rule = models.CharField(
        _("comment rule"),
        max_length=200,
        blank=True,
        help_text=_("Shown above the comments of every article."),
    )
    footer_links = StreamField(
        [("link", FooterLinkBlock())], verbose_name=_("footer links"), blank=True
    )

    panels = [
        FieldPanel("site_title"),
        MultiFieldPanel(
            [
                FieldPanel("copyright_holder"),
                FieldRowPanel(
                    [FieldPanel("copyright_start_year"), FieldPanel("copyright_end_year")]
                ),
            ],
            heading=_("Copyright"),
        ),
        FieldRowPanel([FieldPanel("icp_number"), FieldPanel("psb_number")]),
        FieldPanel("comment_rule"),
        FieldPanel("footer_links"),
    ]

    class Meta:
        verbose_name = _("portal settings")

    def clean(self) -> None:
        super().clean()
        start, end = self.copyright_start_year, self.copyright_end_year
        if start and end and end < start:
            raise ValidationError({"copyright_end_year": _("The end year is before the start.")})

    @property
    def copyright_years(self) -> str:
        end = self.copyright_end_year or timezone.localdate().year
        start = self.copyright_start_year or end
        return str(end) if start == end else f"{start} - {end}"

    @property
    def icp_url(self) -> str:
        return ICP_FILING_URL

    @property
    def psb_code(self) -> str:
        match = PSB_RE.match(self.psb_number)
        return match.group(1) if match else ""

    @property
    def psb_url(self) -> str:
        return PSB_FILING_URL.format(code=self.psb_code)


class SponsorQuerySet(models.QuerySet):
    def running(self, moment=None):
        moment = moment or timezone.now()
        return self.filter(is_active=True, starts_at__lte=moment).filter(
            Q(ends_at__isnull=True) | Q(ends_at__gt=moment)
        )


class Sponsor(models.Model):
    """A sponsor slot (赞助商链接) with its running dates and click count."""

    name = models.CharField(_("name"), max_length=60)
    url = models.URLField(_("address"))
    slot = models.PositiveSmallIntegerField(_("slot"), default=1)
    starts_at = models.DateTimeField(_("starts"), default=timezone.now)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    clicks = models.PositiveIntegerField(_("clicks"), default=0, editable=False)

    objects = SponsorQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("url"),
        FieldPanel("slot"),
        FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")]),
        FieldPanel("is_active"),
    ]

    class Meta:
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsors")
        ordering = ["slot", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
                name="portal_sponsor_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end is not after the start.")})


# ---------------------------------------------------------------------------
# Counters


class CounterKind(models.TextChoices):
    # Each kind is de-duplicated over its own window: a reader counts once per day in
    # DAY, once per week in WEEK, once per month in MONTH (docs/portal.md).
    DAY = "d", _("views, once a day per reader")
    WEEK = "w", _("views, once a week per reader")
    MONTH = "m", _("views, once a month per reader")
    COMMENT = "c", _("comments")


class PageCounter(models.Model):
    """Views or comments of one page in one hour; lists sum the hours of a window."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=1, choices=CounterKind.choices)
    hour = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["page", "kind", "hour"], name="portal_counter_unique")
        ]
        indexes = [models.Index(fields=["kind", "hour"], name="portal_counter_kind_hour")]

    def __str__(self) -> str:
        return f"{self.page_id} {self.kind} {self.hour:%Y-%m-%d %H}h: {self.count}"


class CounterBatch(models.Model):
    """A flushed batch of counts, so that a batch retried after a crash counts once."""

    batch_id = models.CharField(max_length=64, unique=True)
    flushed_at = models.DateTimeField(default=timezone.now)
    views = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.batch_id
