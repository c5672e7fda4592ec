"""The guides' sections of the sitemap: only what visitors may see (core/sitemaps.py)."""

import datetime

from django.db.models import Max

from articles.models import Article, Author, Category, EditorialPage, later_of
from core.sitemaps import Sitemap, UpdatedSitemap


class GuideSitemap(Sitemap):
    def items(self):
        return Article.objects.published().only("slug", "last_updated", "last_reviewed").order_by("pk")

    def lastmod(self, article: Article) -> datetime.datetime:
        return article.last_changed

    def get_latest_lastmod(self) -> datetime.datetime | None:
        latest = self.items().aggregate(updated=Max("last_updated"), reviewed=Max("last_reviewed"))
        return later_of(latest["updated"], latest["reviewed"]) if latest["updated"] else None


class CategorySitemap(Sitemap):
    def items(self):
        return Category.objects.with_published_guides().only("slug").order_by("pk")


class PersonSitemap(Sitemap):
    def items(self):
        return Author.objects.with_published_guides().only("slug").order_by("pk")


class EditorialPageSitemap(UpdatedSitemap):
    def items(self):
        return EditorialPage.objects.only("slug", "updated_at").order_by("pk")
