from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles.importing import import_article
from articles.models import Article, ArticleProduct
from cart.demo import load_products
from orders.demo import load_payment_methods

SEED_ARTICLE = Path(__file__).resolve().parents[2] / "content" / "deep-muscle-fatigue.md"
SEED_SLUG = "deep-muscle-fatigue"


class Command(BaseCommand):
    help = "Load the demo guide and products. Safe to run again: what exists already is left as it is."

    @transaction.atomic
    def handle(self, *args, **options):
        loaded = []
        article = Article.objects.filter(slug=SEED_SLUG).first()
        if article is None:
            # The demo review is as much a placeholder as its reviewer: dated the day the demo is loaded.
            article, _ = import_article(SEED_ARTICLE, last_reviewed=timezone.localdate())
            loaded.append(f"the guide '{article.title}'")
        products = load_products()
        # Only products created now are linked, so a link that staff removed stays removed.
        first = article.product_links.count() + 1
        ArticleProduct.objects.bulk_create(
            ArticleProduct(article=article, product=product, order=order)
            for order, product in enumerate(products, start=first)
        )
        if products:
            loaded.append(f"{len(products)} products")
        if methods := load_payment_methods():
            loaded.append(f"{len(methods)} payment methods")
        self.stdout.write(f"Loaded {' and '.join(loaded)}." if loaded else "Demo content present; left unchanged.")
