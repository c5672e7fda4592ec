"""manage.py synthetic_catalogue: a catalogue for benchmarking, plainly synthetic, loaded in bulk, and
removed without touching anything else (fatigue_site/synthetic.py)."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from articles.models import FAQ, Article, ArticleProduct, Author, Category
from catalogue.models import Product
from fatigue_site import synthetic
from tests.factories import make_article, make_product
from tests.test_makefile import printed_by

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run(*args: str, stdout: io.StringIO | None = None) -> str:
    out = stdout or io.StringIO()
    call_command("synthetic_catalogue", *args, stdout=out)
    return out.getvalue()


def slugs(model) -> list[str]:
    return list(model.objects.order_by("pk").values_list("slug", flat=True))


def test_it_makes_published_guides_and_products_that_say_they_are_synthetic():
    output = run("--guides", "12", "--products", "4")
    made = r"Made 12 synthetic guides and 4 synthetic products in \d+\.\d s; the database holds 12 and 4\.\n"
    assert re.fullmatch(made, output)
    guides = Article.objects.published().order_by("pk")
    assert [guide.title for guide in guides] == [f"Synthetic guide {number}" for number in range(1, 13)]
    assert all(guide.publication_problems() == {} for guide in guides)
    assert all("not health advice" in guide.summary for guide in guides)
    products = Product.objects.order_by("pk")
    assert [product.name for product in products] == [f"Synthetic product {n}" for n in range(1, 5)]
    assert [(person.name, person.credentials) for person in Author.objects.order_by("name")] == [
        ("Synthetic author", ""),
        ("Synthetic reviewer", "Synthetic credentials (benchmark data)"),
    ]
    assert [category.name for category in Category.objects.all()] == [f"Synthetic category {n}" for n in range(1, 6)]
    assert FAQ.objects.count() == 12 * synthetic.FAQS_PER_GUIDE


def test_a_guide_is_stored_as_saving_it_would_store_it():
    synthetic.load(6, 4)
    guide = Article.objects.get(slug="synthetic-guide-3")  # every third guide mentions two products
    assert ArticleProduct.objects.filter(article=guide).count() == 2
    assert 'href="#product-synthetic-product-' in guide.body_html
    stored = (guide.body_html, guide.toc, guide.search_text)
    guide.save()  # renders the body and the search text from the rows, one guide at a time
    guide.refresh_from_db()
    assert (guide.body_html, guide.toc, guide.search_text) == stored
    assert "Synthetic question 1 about guide 3?" in guide.search_text


def test_search_finds_the_common_word_in_nine_guides_in_ten_and_the_rare_word_in_a_few(monkeypatch):
    monkeypatch.setattr(synthetic, "RARE_EVERY", 5)
    synthetic.load(12, 0)
    common = Article.objects.search(synthetic.COMMON_WORD)
    assert sorted(guide.slug for guide in common) == sorted(f"synthetic-guide-{n}" for n in range(1, 13) if n != 10)
    rare = Article.objects.search(synthetic.RARE_WORD)
    assert sorted(guide.slug for guide in rare) == ["synthetic-guide-10", "synthetic-guide-5"]


def test_loading_more_continues_the_numbering_and_makes_the_guides_one_load_would():
    synthetic.load(4, 2)
    synthetic.load(8, 4)
    assert slugs(Article) == [f"synthetic-guide-{n}" for n in range(1, 9)]
    assert slugs(Product) == [f"synthetic-product-{n}" for n in range(1, 5)]
    in_two = list(Article.objects.order_by("pk").values_list("body", flat=True))
    synthetic.clear()
    synthetic.load(8, 4)
    assert list(Article.objects.order_by("pk").values_list("body", flat=True)) == in_two


def test_clear_deletes_the_synthetic_rows_and_nothing_else():
    guide, product = make_article(), make_product()
    synthetic.load(6, 4)
    assert run("--clear", "--guides", "0", "--products", "0").splitlines()[0] == (
        "Deleted 6 synthetic guides and 4 synthetic products."
    )
    assert slugs(Article) == [guide.slug]
    assert slugs(Product) == [product.slug]
    assert slugs(Category) == [guide.category.slug]
    assert set(slugs(Author)) == {guide.author.slug, guide.reviewed_by.slug}
    assert not FAQ.objects.exists() and not ArticleProduct.objects.exists()


def test_it_refuses_a_database_with_guides_of_its_own_unless_forced():
    make_article()
    with pytest.raises(CommandError, match=r"of its own \(guides: 1, products: 0, besides"):
        run("--guides", "3", "--products", "0")
    assert not Article.objects.filter(slug__startswith="synthetic-").exists()
    run("--guides", "3", "--products", "0", "--force")
    assert Article.objects.filter(slug__startswith="synthetic-").count() == 3


def test_the_demo_content_is_not_taken_for_content_of_its_own():
    make_article(slug="deep-muscle-fatigue")
    make_product(sku="DEMO-MAG-01")
    assert "Made 2 synthetic guides" in run("--guides", "2", "--products", "2")


def test_the_shared_pages_show_the_catalogue_at_once():
    client = Client()
    assert "No guides here yet" in client.get("/guides/").content.decode()  # and now in the page cache
    run("--guides", "3", "--products", "0")
    assert ">Synthetic guide 3<" in client.get("/guides/").content.decode()


def test_on_a_terminal_it_shows_progress():
    output = run("--guides", "2", "--products", "2", stdout=Terminal())
    assert "Synthetic guides" in output
    assert output.endswith("the database holds 2 and 2.\n")


def test_a_negative_number_is_refused():
    with pytest.raises(CommandError, match="whole numbers, 0 or more"):
        run("--guides", "-1")


def test_make_run_does_not_load_it():
    assert "synthetic" not in printed_by("run")
