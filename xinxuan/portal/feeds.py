"""RSS and Atom feeds of a channel's latest articles (``<channel>/rss/``, ``<channel>/atom/``)."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed

from xinxuan.portal.addresses import absolute, page_url


class ChannelRssFeed(Feed):
    def get_object(self, request, channel):
        self.request = request
        return channel

    def title(self, channel) -> str:
        return channel.title

    # Every address at the portal's public address, not the host the request came to.
    def link(self, channel) -> str:
        return page_url(channel, self.request)

    def feed_url(self, channel) -> str:
        return absolute(self.request.path, self.request)

    def description(self, channel) -> str:
        return channel.intro or channel.title

    def items(self, channel):
        return channel.articles()[:20]

    def item_title(self, item) -> str:
        return item.title

    def item_description(self, item) -> str:
        return item.summary or item.subtitle

    def item_link(self, item) -> str:
        return page_url(item, self.request)

    def item_pubdate(self, item):
        return item.date

    def item_author_name(self, item) -> str:
        return item.author


class ChannelAtomFeed(ChannelRssFeed):
    feed_type = Atom1Feed
    subtitle = ChannelRssFeed.description
