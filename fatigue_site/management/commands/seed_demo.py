from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from articles import demo
from articles.importing import import_article, import_page
from articles.models import Article, ArticleProduct, EditorialPage
from catalogue.demo import load_categories, load_products
from orders.demo import load_payment_methods


class Command(BaseCommand):
    help = "Load the demo guide, products and pages. Safe to run again: what exists already is left as it is."

    @transaction.atomic
    def handle(self, *args, **options):
        loaded = []
        article = Article.objects.filter(slug=demo.GUIDE_SLUG).first()
        if article is None:
            # The demo review is as much a placeholder as its reviewer: dated the day the demo is loaded.
            article, _ = import_article(demo.GUIDE, last_reviewed=timezone.localdate())
            loaded.append(f"the guide '{article.title}'")
        if categories := load_categories():
            loaded.append(f"{len(categories)} product categories")
        products = load_products()
        # Only products created now are linked, so a link that staff removed stays removed.
        first = article.product_links.count() + 1
        ArticleProduct.objects.bulk_create(
            ArticleProduct(article=article, product=product, order=order)
            for order, product in enumerate(products, start=first)
        )
        if products:
            article.render_body_again()  # its links to the products' picks (bulk_create sends no signal)
            loaded.append(f"{len(products)} products")
        existing = set(EditorialPage.objects.values_list("slug", flat=True))
        pages = [import_page(path) for path in sorted(demo.PAGES.glob("*.md")) if path.stem not in existing]
        if pages:
            loaded.append(f"{len(pages)} pages")
        if methods := load_payment_methods():
            loaded.append(f"{len(methods)} payment methods")
        self.stdout.write(f"Loaded {', '.join(loaded)}." if loaded else "Demo content present; left unchanged.")
