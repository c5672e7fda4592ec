"""The Atom feed of the latest published guides, at /feed/, linked from every page's head."""

import datetime
import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.xmlutils import SimplerXMLGenerator

from articles.models import Article
from core.canonical import absolute_url

LATEST_GUIDES = 20
# What XML 1.0 cannot carry: C0 control characters but tab and line breaks, the non-characters U+FFFE and
# U+FFFF, and lone surrogates. Not core/validators.py's rule, which is about what editors may type (it
# refuses C1 and DEL too, which XML carries): this one is about writing rows stored before it, whatever they hold.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    return NOT_XML.sub("", value)


class XMLTextGenerator(SimplerXMLGenerator):
    """Django's generator, which refuses text XML cannot carry, given that text without those characters.

    One-line fields refuse control characters (core/validators.py), but rows saved before that rule,
    or written outside the admin, may hold them: the feed leaves them out rather than fail for every reader."""

    def addQuickElement(self, name: str, contents: str | None = None, attrs: dict[str, str] | None = None) -> None:
        # Every element with text or attributes from the database is written by this method.
        cleaned = {key: xml_text(value) for key, value in (attrs or {}).items()}
        super().addQuickElement(name, None if contents is None else xml_text(contents), cleaned)


class GuidesAtomFeed(Atom1Feed):
    def write(self, outfile, encoding) -> None:
        # As Atom1Feed.write(), with the generator above.
        handler = XMLTextGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())  # type: ignore[arg-type]  # a dict, as Django passes
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


class LatestGuidesFeed(Feed):
    # Every address is absolute on the site's address: Django would prefix the request's host.
    feed_type = GuidesAtomFeed
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
