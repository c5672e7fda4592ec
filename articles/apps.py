from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self) -> None:
        from articles.models import FAQ, Article, ArticleProduct, Author, Category
        from fatigue_site import pages

        pages.watch(Article, FAQ, ArticleProduct, Category, Author)
