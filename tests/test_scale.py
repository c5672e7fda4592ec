"""The site at scale, on the synthetic catalogue (fatigue_site/synthetic.py): each page costs the same
queries for 50 guides as for 500, and lists leave the long columns (rendered bodies, search text and
vectors) in the database. How fast it is at 10,000 guides is make bench's to say (bench/results.md)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from articles.models import LIST_DEFERRED
from fatigue_site import synthetic

pytestmark = pytest.mark.django_db

# A first visit to each page (the page cache empty), on SQLite and on PostgreSQL alike (where a search adds
# its time limit's: the search_time_limit_queries fixture).
FIRST_VISIT_QUERIES = {
    "/guides/": 4,  # the count, the categories with guides, the page's guides, the footer's links
    "/guides/?page=last": 4,
    "/guides/category/synthetic-category-1/": 5,  # the category, then as the list
    "/guides/synthetic-guide-3/": 6,  # the guide, its FAQs, sources, products, related guides, the footer
    "/": 4,  # the guides, the categories with their counts, the featured products, the footer
    "/shop/synthetic-product-1/": 5,  # the product, its ingredients, its guides, its shelf's others, the footer
    "/shop/category/synthetic-shelf-1/": 5,  # the category, the shelves with products, the count, the page
    "/shop/?page=last": 4,
    "/search/?q=lantern": 4,  # nine guides in ten: a count and a page of guides, a count of products, the footer
    f"/search/?q={synthetic.RARE_WORD}": 4,
    "/people/synthetic-author/": 4,  # the person, the count, the page's guides, the footer
    "/people/synthetic-author/?page=last": 4,
    "/sitemap.xml": 9,  # each section's count, and its latest change where it has one
    "/sitemap-guides.xml": 2,  # the count, the page's guides
}
LISTS = ["/", "/guides/", "/guides/category/synthetic-category-1/", "/search/?q=lantern", "/shop/", "/feed/"]
LISTS += ["/people/synthetic-author/", "/shop/category/synthetic-shelf-1/"]
# The columns a list must not read, by table.
HEAVY = {"articles_article": LIST_DEFERRED, "cart_product": ("description", "search_vector")}


@pytest.fixture(scope="module", params=[50, 500], ids=lambda guides: f"{guides}-guides")
def catalogue(request, django_db_setup, django_db_blocker):
    """A synthetic catalogue of 50 guides, then of 500 (and a fifth as many products), made once for the
    tests of this module that ask for it. The rare word in every 25th guide, so that both sizes have some."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(synthetic, "RARE_EVERY", 25)
        synthetic.load(request.param, request.param // 5)
        yield request.param
        synthetic.clear()


@pytest.mark.parametrize(("url", "queries"), FIRST_VISIT_QUERIES.items())
def test_a_page_costs_the_same_queries_for_50_guides_as_for_500(
    catalogue, url, queries, django_assert_num_queries, search_time_limit_queries
):
    with django_assert_num_queries(queries + (search_time_limit_queries if url.startswith("/search/") else 0)):
        response = Client().get(url)
    assert response.status_code == 200


def test_the_late_page_and_the_searches_list_what_they_say(catalogue):
    client = Client()
    assert f">Synthetic guide {catalogue}<" in client.get("/guides/").content.decode()  # the newest
    assert ">Synthetic guide 1<" in client.get("/guides/?page=last").content.decode()
    common = catalogue - catalogue // 10  # every guide but each tenth
    assert f"{common} results for “lantern”" in client.get("/search/?q=lantern").content.decode()
    rare, page = catalogue // 25, client.get(f"/search/?q={synthetic.RARE_WORD}").content.decode()
    assert f"{rare} results for “{synthetic.RARE_WORD}”" in page


def selected_columns(sql: str) -> list[str]:
    """The items of a query's SELECT list (expressions whole, aliases dropped)."""
    start = sql.index(" ", sql.index("SELECT")) + 1
    if sql.startswith("DISTINCT ", start):
        start += len("DISTINCT ")
    items, depth, quoted = [], 0, False
    for index, character in enumerate(sql[start:], start):
        if character == "'":
            quoted = not quoted
        elif quoted:
            continue
        elif character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
        elif depth == 0 and (character == "," or sql.startswith(" FROM ", index)):
            items.append(sql[start:index].strip().split(" AS ")[0])
            start = index + 1
            if character != ",":
                break
    return items


@pytest.mark.parametrize("url", LISTS)
def test_a_list_reads_none_of_the_long_columns(catalogue, url):
    with CaptureQueriesContext(connection) as captured:
        assert Client().get(url).status_code == 200
    listed = 0
    selects = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("SELECT")]
    for sql in selects:  # not a search's savepoints
        columns = selected_columns(sql)
        for table, heavy in HEAVY.items():
            if f'"{table}"."id"' in columns:
                listed += 1
                assert not {f'"{table}"."{column}"' for column in heavy} & set(columns), sql
    assert listed  # the page did list rows of one of them


def test_selected_columns_reads_a_select_list_as_the_database_would():
    sql = (
        'SELECT DISTINCT "t"."id", COALESCE("t"."a", \'x, (y\') AS "quoted", "t"."b" FROM "t" '
        'WHERE "t"."id" IN (SELECT "u"."id" FROM "u")'
    )
    assert selected_columns(sql) == ['"t"."id"', 'COALESCE("t"."a", \'x, (y\')', '"t"."b"']
