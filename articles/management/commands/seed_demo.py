from pathlib import Path

from django.core.management.base import BaseCommand

from articles.importing import import_article
from articles.models import Article

SEED_ARTICLE = Path(__file__).resolve().parents[2] / "content" / "deep-muscle-fatigue.md"
SEED_SLUG = "deep-muscle-fatigue"


class Command(BaseCommand):
    help = "Load the demo content. Safe to run again: what exists already is left as it is."

    def handle(self, *args, **options):
        if Article.objects.filter(slug=SEED_SLUG).exists():
            self.stdout.write("Demo guide present; left unchanged.")
            return
        article, _ = import_article(SEED_ARTICLE)
        self.stdout.write(self.style.SUCCESS(f"Loaded demo guide '{article.title}'."))
