"""The Atom feed of the latest published guides, at /feed/, linked from every page's head."""

import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from articles.models import Article
from core.canonical import absolute_url

LATEST_GUIDES = 20


class LatestGuidesFeed(Feed):
    # Every address is absolute on the site's address: Django would prefix the request's host.
    feed_type = Atom1Feed
    subtitle = "Plain-language health guides, newest first."

    def title(self) -> str:
        return f"{settings.SITE_NAME}: latest guides"

    def author_name(self) -> str:
        return settings.SITE_NAME  # for a guide without an author: Atom wants one for every entry

    def link(self) -> str:
        return absolute_url(reverse("articles:list"))

    def feed_url(self) -> str:
        return absolute_url(reverse("feed"))

    def items(self):
        return Article.objects.published().listed().select_related("category", "author")[:LATEST_GUIDES]

    def item_title(self, article: Article) -> str:
        return article.title  # text: the feed's XML escapes it (Django's default would escape it twice)

    def item_description(self, article: Article) -> str:
        return escape(article.summary)  # Atom's summary type="html": plain text escaped once as HTML

    def item_link(self, article: Article) -> str:
        return absolute_url(article.get_absolute_url())

    def item_author_name(self, article: Article) -> str | None:
        return article.author.name if article.author else None

    def item_author_link(self, article: Article) -> str | None:
        return absolute_url(article.author.get_absolute_url()) if article.author else None

    def item_pubdate(self, article: Article) -> datetime.datetime | None:
        return article.published_at

    def item_updateddate(self, article: Article) -> datetime.datetime:
        return article.last_changed

    def item_categories(self, article: Article) -> list[str]:
        return [article.category.name]
