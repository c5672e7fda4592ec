"""A synthetic catalogue for benchmarking only (manage.py synthetic_catalogue): guides and products
that say what they are ("Synthetic guide 1234"), written by a synthetic author and reviewed by a
synthetic reviewer, with filler drawn from a small list of everyday words. Never part of the demo
content: `make run` and seed_demo do not load it.

Every row it makes has a slug starting with PREFIX, which is how clear() finds them and nothing else.
Guide and product N are the same whenever they are made (their filler is seeded by N), so loading
1,000 guides and later up to 10,000 gives the catalogue one load of 10,000 would.

What search finds, for the bench's two search scenarios: COMMON_WORD is in nine guides out of ten,
RARE_WORD in every RARE_EVERY-th guide (ten of 10,000); the filler has neither.
"""

import datetime
import functools
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, models, transaction
from django.db.models import Max
from django.db.models.functions import Cast, Substr
from django.utils import timezone

from articles import markdown
from articles.models import ARTICLE_SEARCH, FAQ, Article, ArticleProduct, Author, Category, guide_search_text
from catalogue.demo import PRODUCTS as DEMO_PRODUCTS
from catalogue.models import Product, ProductCategory
from core import pages

PREFIX = "synthetic-"
COMMON_WORD = "lantern"
RARE_WORD = "juniper"
RARE_EVERY = 1000
CATEGORIES = 5
FAQS_PER_GUIDE = 3
MENTIONED = 1000  # the products guides mention: the first thousand
BATCH = 500
DEMO_GUIDE = "deep-muscle-fatigue"  # seed_demo's guide (articles/content/)
# Everyday words with no health claim in them; drawn with falling weights, so the first are common and
# the last rare, as in real text.
WORDS = [
    "the", "a", "and", "of", "to", "in", "is", "it", "that", "for", "on", "with", "as", "at", "by", "this",
    "from", "or", "be", "are", "was", "one", "all", "can", "more", "some", "day", "time", "way", "week",
    "hour", "morning", "evening", "table", "window", "garden", "paper", "chair", "kitchen", "river", "hill",
    "road", "town", "street", "house", "door", "wall", "floor", "light", "colour", "sound", "letter",
    "story", "page", "note", "list", "plan", "step", "path", "corner", "bridge", "field", "forest", "meadow",
    "stone", "shell", "cloud", "rain", "wind", "snow", "summer", "winter", "spring", "autumn", "harbour",
    "boat", "market", "basket", "ribbon", "button", "pencil", "notebook", "teapot", "cupboard", "blanket",
    "pillow", "carpet", "ladder", "bucket", "orchard", "pebble", "feather", "compass", "kettle", "thimble",
    "saucer", "trellis", "gazebo", "lighthouse", "weathervane",
]  # fmt: skip
CUMULATIVE_WEIGHTS = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(WORDS))))
NOTICE = "Synthetic content for benchmarking: filler text, not health advice."


@dataclass(frozen=True)
class Loaded:
    guides: int
    products: int


Progress = Callable[[str, int], None]  # (kind, rows just made): a progress bar's advance


def _filler(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choices(WORDS, cum_weights=CUMULATIVE_WEIGHTS, k=words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random) -> str:
    return " ".join(_filler(rng, rng.randint(8, 16)) for _ in range(rng.randint(3, 5)))


def _number(slug_prefix: str, model) -> int:
    """The highest N of the synthetic rows `model` holds with slugs `slug_prefix`N (0 for none)."""
    rows = model.objects.filter(slug__regex=rf"^{slug_prefix}[0-9]+$")
    number = Cast(Substr("slug", len(slug_prefix) + 1), output_field=models.IntegerField())
    return rows.aggregate(highest=Max(number))["highest"] or 0


def present() -> Loaded:
    """How many synthetic guides and products the database holds (numbered from 1 without a gap)."""
    return Loaded(guides=_number(f"{PREFIX}guide-", Article), products=_number(f"{PREFIX}product-", Product))


def foreign_content() -> dict[str, int]:
    """Guides and products that are neither the demo content nor synthetic: a site's own, which a
    synthetic catalogue must not be mixed into unless asked to."""
    demo_skus = [row[2] for row in DEMO_PRODUCTS]
    return {
        "guides": Article.objects.exclude(slug__startswith=PREFIX).exclude(slug=DEMO_GUIDE).count(),
        "products": Product.objects.exclude(slug__startswith=PREFIX).exclude(sku__in=demo_skus).count(),
    }


def load(guides: int, products: int, progress: Progress | None = None) -> Loaded:
    """Make synthetic products and guides until there are `products` and `guides` of them; return how
    many were made. In batches of BATCH rows, each batch in one transaction."""
    before = present()
    first_product = before.products + 1
    shelves = _numbered(ProductCategory, "shelf") if first_product <= products else []
    for start in range(first_product, products + 1, BATCH):
        numbers = range(start, min(start + BATCH, products + 1))
        _make_products(numbers, shelves)
        if progress:
            progress("products", len(numbers))
    first_guide = before.guides + 1
    if first_guide <= guides:
        people, categories = _people(), _numbered(Category, "category")
        sold = max(products, before.products)
        for start in range(first_guide, guides + 1, BATCH):
            numbers = range(start, min(start + BATCH, guides + 1))
            _make_guides(numbers, people, categories, sold)
            if progress:
                progress("guides", len(numbers))
    made = Loaded(guides=max(0, guides - first_guide + 1), products=max(0, products - first_product + 1))
    if made.guides or made.products:
        _tidy()
        pages.content_changed()  # bulk_create sends no signal
    return made


def _tidy() -> None:
    """On PostgreSQL, VACUUM ANALYZE the tables just filled: until autovacuum's next round the planner
    would take them for empty (a search for a rare word read every guide, not the index), and each
    row's first version, from before its search vector was stored, would still be in the way. Inside
    a caller's transaction (the tests), where VACUUM cannot run, ANALYZE alone."""
    if connection.vendor != "postgresql":
        return
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        for model in (Product, Article, FAQ, ArticleProduct):
            cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


def clear() -> Loaded:
    """Delete every synthetic row (by slug), nothing else; return how many guides and products went."""
    with transaction.atomic():
        guides = _delete_quietly(Article.objects.filter(slug__startswith=PREFIX))
        products = _delete_quietly(Product.objects.filter(slug__startswith=PREFIX))
        Category.objects.filter(slug__startswith=PREFIX, articles__isnull=True).delete()
        ProductCategory.objects.filter(slug__startswith=PREFIX, products__isnull=True).delete()
        people = Author.objects.filter(slug__startswith=PREFIX)
        for role in ("author", "reviewed_by"):  # people still named on a guide stay
            people = people.exclude(pk__in=Article.objects.filter(**{f"{role}__isnull": False}).values(role))
        people.delete()
    pages.content_changed()
    return Loaded(guides=guides, products=products)


def _delete_quietly(rows: models.QuerySet) -> int:
    """Delete `rows` and the rows that depend on them, a statement a table; return how many `rows` went.
    The ORM's delete() sends signals row by row (a history record, a search update, a new page
    generation each), which for 10,000 guides with their FAQs takes minutes; nothing here needs them."""
    for relation in rows.model._meta.get_fields(include_hidden=True):
        if relation.concrete or not (relation.one_to_many or relation.one_to_one):
            continue  # only the rows that point at these (a reverse relation)
        dependants = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": rows})
        if relation.on_delete is models.CASCADE:
            _delete_quietly(dependants)
        elif relation.on_delete is models.SET_NULL:
            dependants.update(**{relation.field.name: None})
    return rows._raw_delete(rows.db)


def _people() -> tuple[Author, Author]:
    author, _ = Author.objects.get_or_create(
        slug=f"{PREFIX}author",
        defaults={"name": "Synthetic author", "role": "Not a real person", "bio": NOTICE},
    )
    reviewer, _ = Author.objects.get_or_create(
        slug=f"{PREFIX}reviewer",
        defaults={
            "name": "Synthetic reviewer",
            "role": "Not a real person",
            "credentials": "Synthetic credentials (benchmark data)",
            "bio": NOTICE,
        },
    )
    return author, reviewer


def _numbered(model, kind: str) -> list:
    """CATEGORIES synthetic rows of `model` (guide categories, the shop's shelves): "Synthetic <kind> N"."""
    return [
        model.objects.get_or_create(
            slug=f"{PREFIX}{kind}-{number}", defaults={"name": f"Synthetic {kind} {number}", "description": NOTICE}
        )[0]
        for number in range(1, CATEGORIES + 1)
    ]


def product_slug(number: int) -> str:
    return f"{PREFIX}product-{number}"


def guide_slug(number: int) -> str:
    return f"{PREFIX}guide-{number}"


@transaction.atomic
def _make_products(numbers: range, shelves: list[ProductCategory]) -> None:
    rows = []
    for number in numbers:
        rng = random.Random(f"product-{number}")
        rows.append(
            Product(
                name=f"Synthetic product {number}",
                slug=product_slug(number),
                sku=f"SYNTHETIC-{number}",
                short_description=f"Synthetic product {number} for benchmarking: not for sale.",
                description=f"{NOTICE}\n\n{_paragraph(rng)}",
                price=Decimal(5 + number % 45) + Decimal("0.99"),
                stock=100,
                category=shelves[number % len(shelves)],
            )
        )
    made = Product.objects.bulk_create(rows)
    Product.objects.filter(pk__in=[product.pk for product in made]).update_search()


@functools.cache
def _answers() -> list[tuple[str, str]]:
    """FAQ answers, (Markdown, HTML), that the guides draw from: rendered once, not once a FAQ."""
    rng = random.Random("answers")
    return [
        (answer, markdown.render_html(answer)) for answer in (_filler(rng, rng.randint(10, 20)) for _ in range(200))
    ]


def _mentioned(number: int, sold: int) -> list[int]:
    """The synthetic products guide `number` mentions: two in every third guide, in turn from the first
    MENTIONED products, of those that exist (`sold`)."""
    if number % 3:
        return []
    first = (number // 3 - 1) % (MENTIONED - 1) + 1
    return [n for n in (first, first + 1) if n <= sold]


def _body(number: int, rng: random.Random, mentioned: list[int]) -> str:
    common = f" A {COMMON_WORD} by the window." if number % 10 else ""
    rare = f" A {RARE_WORD} in the garden." if number % RARE_EVERY == 0 else ""
    sections = [
        f"## About this synthetic guide\n\n{NOTICE}{common}{rare}\n\n{_paragraph(rng)}",
        f"## More filler\n\n{_paragraph(rng)}\n\n{_paragraph(rng)}",
        f"## Notes\n\n{_paragraph(rng)}",
    ]
    if mentioned:
        links = " and ".join(f"[Synthetic product {n}](product:{product_slug(n)})" for n in mentioned)
        sections.append(f"## Products\n\nThis guide mentions {links}.")
    return "\n\n".join(sections) + "\n"


@transaction.atomic
def _make_guides(numbers: range, people: tuple[Author, Author], categories: list[Category], sold: int) -> None:
    author, reviewer = people
    today = timezone.localdate()
    # Published a second apart, the highest number last, all in the past.
    start = timezone.now() - datetime.timedelta(days=365)
    rows, faqs, mentions = [], [], []
    for number in numbers:
        rng = random.Random(f"guide-{number}")
        mentioned = _mentioned(number, sold)
        body = _body(number, rng, mentioned)
        rendered = markdown.render(body, {}, {product_slug(n) for n in mentioned})
        questions = [
            (f"Synthetic question {k} about guide {number}?", *rng.choice(_answers()))
            for k in range(1, FAQS_PER_GUIDE + 1)
        ]
        rows.append(
            Article(
                title=f"Synthetic guide {number}",
                slug=guide_slug(number),
                summary=f"Synthetic guide {number}: {NOTICE}",
                body=body,
                body_html=rendered.html,
                toc=rendered.toc,
                cited=[],
                category=categories[number % len(categories)],
                author=author,
                reviewed_by=reviewer,
                last_reviewed=today,
                status=Article.Status.PUBLISHED,
                published_at=start + datetime.timedelta(seconds=number),
                search_text=guide_search_text(rendered.html, [(question, html) for question, _, html in questions]),
            )
        )
        faqs.append(questions)
        mentions.append(mentioned)
    made = Article.objects.bulk_create(rows)
    product_pks = dict(
        Product.objects.filter(slug__in={product_slug(n) for m in mentions for n in m}).values_list("slug", "pk")
    )
    FAQ.objects.bulk_create(
        FAQ(article=article, question=question, answer=answer, answer_html=html, order=order)
        for article, questions in zip(made, faqs, strict=True)
        for order, (question, answer, html) in enumerate(questions, start=1)
    )
    ArticleProduct.objects.bulk_create(
        ArticleProduct(article=article, product_id=product_pks[product_slug(n)], order=order)
        for article, mentioned in zip(made, mentions, strict=True)
        for order, n in enumerate(mentioned, start=1)
    )
    ARTICLE_SEARCH.update_vectors(Article.objects.filter(pk__in=[article.pk for article in made]))
