from django.apps import AppConfig


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self) -> None:
        from core import pages

        pages.watch_app(self)  # every guide, FAQ, category, author, product link and redirect
