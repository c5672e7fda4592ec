"""Search over the published guides and the active products (core/search.py): full-text search
on PostgreSQL, a simple fallback on SQLite, one page for both."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import FAQ, Article, ArticleProduct
from catalogue.models import Product
from core import pages
from core.search import SNIPPET_CHARACTERS, excerpt, marked, plain_text
from tests.factories import make_article, make_faq, make_product, make_reference
from tests.html import find_all, parse, text

pytestmark = pytest.mark.django_db


def results(response, group: str) -> list[str]:
    """The titles listed under `group` ("guide-results" or "product-results"), in order."""
    sections = find_all(parse(response.content), "section", **{"aria-labelledby": group})
    return [text(title) for section in sections for title in find_all(section, "h3")]


def summary(response) -> str:
    return text(find_all(parse(response.content), "p", **{"class": "search-summary"})[0])


def visitor(number: int) -> Client:
    """A new visitor from a client address of its own: a search is shared once several clients asked."""
    return Client(REMOTE_ADDR=f"198.51.100.{number}")


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("full-text search: runs on PostgreSQL (DATABASE_URL), as CI does")


def test_a_title_match_ranks_above_a_body_match(client):
    make_article(title="Sleep and recovery", body="Rest well. Magnesium is mentioned once here.")
    make_article(title="Magnesium basics", body="What it does.")
    response = client.get("/search/", {"q": "magnesium"})
    assert results(response, "guide-results") == ["Magnesium basics", "Sleep and recovery"]
    assert summary(response) == "2 results for “magnesium”"


def test_a_product_is_found_by_its_name_and_descriptions(client):
    make_product(name="Foam roller", short_description="For sore legs.", description="Firm magnesium-free foam.")
    make_product(name="Magnesium glycinate capsules")
    make_product(name="Yoga mat")
    response = client.get("/search/", {"q": "magnesium"})
    assert results(response, "product-results") == ["Magnesium glycinate capsules", "Foam roller"]
    assert results(response, "guide-results") == []
    assertContains(response, '<h2 id="product-results">Products <span class="search-count">(2)</span></h2>', html=True)


def test_drafts_scheduled_guides_and_inactive_products_never_appear(client):
    make_article(title="Magnesium, published")
    make_article(title="Magnesium, a draft", status=Article.Status.DRAFT)
    make_article(title="Magnesium, scheduled", published_at=timezone.now() + timedelta(days=1))
    make_product(name="Magnesium tablets")
    make_product(name="Magnesium, retired", is_active=False)
    response = client.get("/search/", {"q": "magnesium"})
    assert results(response, "guide-results") == ["Magnesium, published"]
    assert results(response, "product-results") == ["Magnesium tablets"]


def test_the_words_found_are_marked_in_the_snippet(client):
    make_article(title="Rest", body="Low levels of magnesium can impair muscle function.")
    response = client.get("/search/", {"q": "magnesium"})
    snippet = find_all(parse(response.content), "p", **{"class": "search-result__snippet"})[0]
    assert find_all(snippet, "mark") and text(find_all(snippet, "mark")[0]).lower() == "magnesium"
    assert "muscle function" in text(snippet)


def test_a_snippet_cannot_inject_markup(client):
    body = 'Magnesium <script>alert("body")</script> and &lt;b&gt;bold&lt;/b&gt; <img src=x onerror=alert(1)>'
    make_article(title="Magnesium <em>title</em>", summary="Magnesium <script>alert('summary')</script>", body=body)
    make_product(name="Magnesium", description="Magnesium <script>alert('product')</script>")
    response = client.get("/search/", {"q": "magnesium"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>alert" not in page and "<img src=x" not in page and "<em>title" not in page
    assert "<b>bold" not in page
    snippets = find_all(parse(page), "p", **{"class": "search-result__snippet"})
    assert len(snippets) == 2
    assert all(child.name == "mark" for snippet in snippets for child in snippet.children if hasattr(child, "name"))
    # The text around it shows escaped (SQLite's excerpt), or without what looks like a tag (PostgreSQL's headline).
    assert all(text(find_all(snippet, "mark")[0]) == "Magnesium" for snippet in snippets)


def test_marked_escapes_the_text_and_marks_only_the_words_found():
    assert marked("a <b>\ue000x\ue001</b> &amp;") == "a &lt;b&gt;<mark>x</mark>&lt;/b&gt; &amp;amp;"


def test_plain_text_is_what_a_reader_sees_with_headings_and_blocks_kept_apart():
    markup = "<h2>Why</h2>\n<p>Rest &amp; <strong>sleep</strong><br>\nmore</p><ul><li>a</li><li>b</li></ul>"
    assert plain_text(markup) == "Why — Rest & sleep — more a b"


def test_excerpt_starts_near_the_first_match_and_marks_every_occurrence():
    text_ = " ".join(["filler"] * 100) + " Magnesium helps; magnesium-rich food. " + " ".join(["tail"] * 100)
    part = excerpt(text_, ["magnesium"])
    assert part.startswith("… filler") and part.endswith(" tail …")
    assert "\ue000Magnesium\ue001 helps; \ue000magnesium\ue001-rich food." in part
    assert len(part) <= SNIPPET_CHARACTERS + 4


def test_excerpt_without_the_words_is_the_start_of_the_text_in_whole_words():
    assert excerpt("Short text.", ["absent"]) == "Short text."
    assert excerpt("word " * 100, ["absent"]) == "word " * 43 + "word …"


def test_excerpt_of_text_without_spaces_keeps_the_match():
    assert excerpt("镁" * 100 + "补充" + "镁" * 100, ["补充"]).count("\ue000补充\ue001") == 1


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type what you are looking for in the search box above"),
        ("    ", "Type what you are looking for in the search box above"),
        ("?!.,;:-", "has no words to search for"),
        ('"""', "has no words to search for"),
        ('"magnesium', "No results for “"),
        ("magnesium\"' OR 1=1 --", "No results for “"),
        ("магний", "No results for “магний”"),
        ("镁 补充", "No results for “镁 补充”"),
        ("-", "has no words to search for"),
        ("the", "No results for “the”"),  # on PostgreSQL, a query of stop words only
        ("x" * 10_000, "only its first 200 characters were used"),
        ("<script>alert(1)</script>", "No results for “&lt;script&gt;alert(1)&lt;/script&gt;”"),
    ],
)
def test_odd_queries_answer_with_a_message_never_an_error(client, query, message):
    make_article(title="Rest", body="Nothing of interest.")
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assertContains(response, message)
    assertNotContains(response, "<script>alert(1)")


def test_a_long_query_is_cut_to_200_characters(client):
    make_article(title="Magnesium basics")
    response = client.get("/search/", {"q": "magnesium " + "x" * 10_000})
    assert results(response, "guide-results") == []  # the cut query still holds the long word
    assertContains(response, f'value="magnesium {"x" * 190}"')


def test_no_results_suggests_the_guides_and_the_shop(client):
    response = client.get("/search/", {"q": "zebra"})
    assertContains(response, "No results for “zebra”.")
    assertContains(response, '<a href="/guides/">all the guides</a>', html=True)
    assertContains(response, '<a href="/shop/">the shop</a>', html=True)


def test_a_changed_title_is_found_at_once(client):
    guide = make_article(title="Sleep basics")
    assert results(client.get("/search/", {"q": "insomnia"}), "guide-results") == []
    guide.title = "Insomnia basics"
    guide.save()
    assert results(client.get("/search/", {"q": "insomnia"}), "guide-results") == ["Insomnia basics"]


def test_a_faqs_words_find_its_guide_until_it_is_deleted(client):
    guide = make_article(title="Recovery")
    faq = make_faq(guide, question="Does zinc help?", answer="Some **electrolytes** do.")
    assert results(client.get("/search/", {"q": "zinc"}), "guide-results") == ["Recovery"]
    assert results(client.get("/search/", {"q": "electrolytes"}), "guide-results") == ["Recovery"]
    faq.delete()
    assert results(client.get("/search/", {"q": "zinc"}), "guide-results") == []


def test_a_guide_is_searched_as_its_text_not_its_markdown(client):
    product = make_product(name="Magnesium", slug="magnesium-glycinate")
    guide = make_article(title="Rest")
    guide.product_links.create(product=product)
    guide.body = "Low levels of [iron](product:magnesium-glycinate) and **zinc**."
    guide.save()
    assert guide.search_text == "Low levels of iron and zinc."
    assert results(client.get("/search/", {"q": "glycinate"}), "guide-results") == []


def test_results_come_ten_to_a_page_for_each_group(client):
    for number in range(12):
        make_article(title=f"Magnesium guide {number}")
    make_product(name="Magnesium tablets")
    first = client.get("/search/", {"q": "magnesium"})
    assert len(results(first, "guide-results")) == 10
    assert summary(first) == "13 results for “magnesium”"
    assertContains(first, '<a href="?q=magnesium&amp;page=2" rel="next">Next</a>', html=True)
    second = client.get("/search/", {"q": "magnesium", "page": "2"})
    assert len(results(second, "guide-results")) == 2
    assert results(second, "product-results") == ["Magnesium tablets"]
    assert client.get("/search/", {"q": "magnesium", "page": "x"}).status_code == 200


def test_a_search_is_shared_only_once_popular_and_is_never_indexed(django_assert_num_queries):
    make_article(title="Magnesium basics")
    for number in range(2):  # asked by two clients: rendered each time, and not stored
        response = visitor(number).get("/search/?q=magnesium")
        assert response.status_code == 200 and "X-Page-Cache" not in response
    assert pages.stored_page("/search/?q=magnesium") is None
    assert visitor(2).get("/search/?q=magnesium")["X-Page-Cache"] == "miss"  # the third client: stored
    with django_assert_num_queries(0):
        shared = Client().get("/search/?q=magnesium")
    assert shared["X-Page-Cache"] == "hit"
    assertContains(shared, "Magnesium basics")
    assertContains(shared, '<meta name="robots" content="noindex">', html=True)


@pytest.mark.parametrize(
    "query",
    [
        "?q=",
        "?q=%21%3F",
        "?q=magnesium&page=2",
        "?q=magnesium&x=1",
        "?q=+magnesium",
        "?q=magnesium%20",
        "?q=Magnesium&q=x",
    ],
)
def test_only_a_searchs_one_spelling_is_ever_shared(query):
    make_article(title="Magnesium basics")
    for _ in range(5):
        response = Client().get(f"/search/{query}")
        assert response.status_code == 200 and "X-Page-Cache" not in response


def test_a_query_in_any_script_is_shared_in_the_spelling_the_search_box_sends():
    make_article(title="Магний и усталость")
    spelled = "/search/?" + urlencode({"q": "магний усталость"})  # UTF-8, percent-encoded, + for spaces
    assert [visitor(number).get(spelled).get("X-Page-Cache") for number in range(4)] == [None, None, "miss", "hit"]


def test_no_more_than_the_popular_page_budget_is_stored_a_generation(settings):
    settings.PAGE_CACHE_POPULAR_PAGES = 2
    make_article(title="Magnesium, potassium and zinc")
    for word in ("magnesium", "potassium", "zinc"):
        for number in range(3):
            visitor(number).get(f"/search/?q={word}")
    assert pages.stored_page("/search/?q=magnesium") and pages.stored_page("/search/?q=potassium")
    assert pages.stored_page("/search/?q=zinc") is None
    pages.content_changed()  # a new generation: a new budget, and counts from zero
    asked = [visitor(number).get("/search/?q=zinc").get("X-Page-Cache") for number in range(4)]
    assert asked == [None, None, "miss", "hit"]


def test_one_client_asking_a_search_again_and_again_does_not_make_it_popular(django_assert_num_queries):
    make_article(title="Magnesium basics")
    same_address = [Client(REMOTE_ADDR="203.0.113.5").get("/search/?q=magnesium") for _ in range(10)]
    assert [response.get("X-Page-Cache") for response in same_address] == [None] * 10
    assert pages.stored_page("/search/?q=magnesium") is None
    ipv6 = [Client(REMOTE_ADDR=f"2001:db8:1:2::{number}").get("/search/?q=magnesium") for number in range(1, 4)]
    assert [response.get("X-Page-Cache") for response in ipv6] == [None, None, None]  # one /64: one client
    assert visitor(0).get("/search/?q=magnesium")["X-Page-Cache"] == "miss"  # the third client stores it


def test_one_client_cannot_spend_the_popular_page_budget(settings):
    settings.PAGE_CACHE_POPULAR_PAGES, settings.SEARCH_LIMIT_PER_MINUTE = 5, 0
    make_article(title="Magnesium, potassium and zinc")
    client = Client(REMOTE_ADDR="203.0.113.5")
    for number in range(10):  # twice the budget
        for _ in range(3):
            assert "X-Page-Cache" not in client.get(f"/search/?q=magnesium+{number}")
    for word in ("magnesium", "potassium", "zinc"):  # the whole budget is left for queries many ask
        assert [visitor(number).get(f"/search/?q={word}").get("X-Page-Cache") for number in range(3)][-1] == "miss"
    assert all(pages.stored_page(f"/search/?q={word}") for word in ("magnesium", "potassium", "zinc"))


def test_a_popular_search_answered_429_spends_none_of_the_budget(settings):
    settings.PAGE_CACHE_POPULAR_PAGES, settings.SEARCH_LIMIT_PER_MINUTE = 1, 1
    make_article(title="Magnesium and zinc")
    assert [visitor(number).get("/search/?q=zinc").status_code for number in range(2)] == [200, 200]
    third = visitor(2)
    assert third.get("/search/?q=magnesium").status_code == 200  # its one search this minute
    assert third.get("/search/?q=zinc").status_code == 429  # the third asker, refused: nothing stored
    answers = [visitor(number).get("/search/?q=magnesium") for number in range(3, 5)]
    assert [answer.get("X-Page-Cache") for answer in answers] == [None, "miss"]  # the budget's one page
    assert pages.stored_page("/search/?q=magnesium") is not None


def test_a_shared_search_shows_a_changed_guide_at_once():
    guide = make_article(title="Magnesium basics")
    for number in range(4):
        visitor(number).get("/search/?q=magnesium")
    guide.title = "Magnesium, the basics"
    guide.save()
    assertContains(Client().get("/search/?q=magnesium"), "Magnesium, the basics")


def test_every_page_has_the_search_box_in_its_header(client):
    make_article(title="Magnesium basics")
    for url in ["/", "/guides/", "/shop/"]:
        header = find_all(parse(client.get(url).content), "header")[0]
        (form,) = find_all(header, "form", role="search")
        assert dict(form.attributes) == {
            "class": "site-search",
            "action": "/search/",
            "method": "get",
            "role": "search",
        }
        assert find_all(form, "label", **{"for": "site-search-q"})
        (box,) = find_all(form, "input", id="site-search-q")
        assert ("name", "q") in box.attributes and ("type", "search") in box.attributes
    searched = find_all(parse(client.get("/search/?q=magnesium").content), "input", id="site-search-q")[0]
    assert ("value", "magnesium") in searched.attributes


@pytest.mark.parametrize("matches", [3, 30])
def test_a_search_page_costs_the_same_queries_however_many_guides_match(
    client, matches, django_assert_num_queries, search_time_limit_queries
):
    for number in range(matches):
        make_article(title=f"Magnesium guide {number}")
    make_product(name="Magnesium tablets")
    client.get("/search/?q=magnesium")  # the footer's links are read once, then cached
    # The guides and the products: a count and a page of each.
    with django_assert_num_queries(4 + search_time_limit_queries):
        assert client.get("/search/?q=magnesium").status_code == 200


def test_full_text_search_stores_a_weighted_vector_on_save():
    needs_postgresql()
    guide = make_article(title="Magnesium basics", summary="About iron.", body="Zinc in the body.")
    make_faq(guide, question="Potassium?", answer="Yes.")
    product = make_product(name="Foam roller", short_description="Firm.", description="Dense foam.")
    guide.refresh_from_db()
    product.refresh_from_db()
    assert "'magnesium':1A" in guide.search_vector and "'iron':" in guide.search_vector
    assert "B" in guide.search_vector.split("'iron':")[1].split()[0]
    assert "'potassium':" in guide.search_vector and "'zinc':" in guide.search_vector
    assert "'foam':1A" in product.search_vector


def test_full_text_search_takes_websearch_syntax(client):
    needs_postgresql()
    make_article(title="Deep muscle fatigue", body="Rest helps.")
    make_article(title="Muscle cramps", body="Deep breaths and magnesium.")
    assert results(client.get("/search/", {"q": '"deep muscle"'}), "guide-results") == ["Deep muscle fatigue"]
    assert results(client.get("/search/", {"q": "muscle -magnesium"}), "guide-results") == ["Deep muscle fatigue"]
    either = results(client.get("/search/", {"q": "cramps or fatigue"}), "guide-results")
    assert sorted(either) == ["Deep muscle fatigue", "Muscle cramps"]
    # Stemming: "cramp" finds "cramps".
    assert results(client.get("/search/", {"q": "cramp"}), "guide-results") == ["Muscle cramps"]


def test_a_bulk_change_is_searched_after_update_search(client):
    guide = make_article(title="Sleep basics")
    product = make_product(name="Yoga mat")
    Article.objects.filter(pk=guide.pk).update(title="Insomnia basics")
    Product.objects.filter(pk=product.pk).update(name="Insomnia mask")
    Article.objects.filter(pk=guide.pk).update_search()
    Product.objects.filter(pk=product.pk).update_search()
    response = client.get("/search/", {"q": "insomnia"})
    assert results(response, "guide-results") == ["Insomnia basics"]
    assert results(response, "product-results") == ["Insomnia mask"]


@pytest.mark.parametrize(
    ("delete", "guides_read"),
    [(lambda guide: guide.delete(), 0), (lambda guide: Article.objects.filter(pk=guide.pk).delete(), 1)],
    ids=["one guide", "a queryset"],
)
def test_deleting_a_guide_does_not_reindex_or_rerender_it_for_each_faq_source_or_product(delete, guides_read):
    guide = make_article()
    for _ in range(3):
        make_faq(guide)
        make_reference(guide)
        ArticleProduct.objects.create(article=guide, product=make_product())
    with CaptureQueriesContext(connection) as deleting:
        delete(guide)
    # What remains: finding the rows that go with it (and, for a queryset, the guides), deleting them,
    # and their history rows; no guide is read again or updated.
    statements = [query["sql"] for query in deleting.captured_queries]
    assert not [sql for sql in statements if sql.startswith("UPDATE")]
    assert len([sql for sql in statements if sql.startswith('SELECT "articles_article"')]) == guides_read
    assert not Article.objects.filter(pk=guide.pk).exists()


def test_deleting_one_faq_still_takes_its_words_out_of_search(client):
    guide = make_article(title="Sleep and recovery")
    make_faq(guide, question="What about zinc?", answer="Zinc.")
    doomed = make_faq(guide, question="And potassium?", answer="Potassium.")
    FAQ.objects.filter(pk=doomed.pk).delete()
    assert "Sleep and recovery" not in client.get("/search/", {"q": "potassium"}).text
    assert "Sleep and recovery" in client.get("/search/", {"q": "zinc"}).text


def test_rendered_searches_are_limited_per_client_address_with_a_429(settings):
    settings.SEARCH_LIMIT_PER_MINUTE = 3
    make_article(title="Magnesium, potassium and zinc")
    client = Client(REMOTE_ADDR="203.0.113.5")
    assert [client.get("/search/", {"q": word}).status_code for word in ("zinc", "iron", "zinc")] == [200] * 3

    refused = client.get("/search/", {"q": "magnesium"})
    assertContains(refused, "You have searched many times in the last minute.", status_code=429)
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "no-store" in refused["Cache-Control"]
    assert results(refused, "guide-results") == []
    assertContains(client.get("/search/"), "Type what you are looking for")  # no query: nothing to count
    assert visitor(1).get("/search/", {"q": "magnesium"}).status_code == 200  # another address


def test_a_search_served_from_the_page_cache_is_not_counted_and_a_429_is_never_stored(settings):
    settings.SEARCH_LIMIT_PER_MINUTE = 1
    make_article(title="Magnesium basics")
    assert [visitor(number).get("/search/?q=magnesium").status_code for number in range(2)] == [200, 200]
    third = visitor(2)
    assert third.get("/search/?q=zinc").status_code == 200  # its one search this minute
    assert third.get("/search/?q=magnesium").status_code == 429  # the third client: popular, but refused
    assert pages.stored_page("/search/?q=magnesium") is None

    assert visitor(3).get("/search/?q=magnesium")["X-Page-Cache"] == "miss"
    shared = third.get("/search/?q=magnesium")  # over its limit, but served from the cache
    assert (shared.status_code, shared["X-Page-Cache"]) == (200, "hit")


def test_a_search_the_database_takes_too_long_on_is_cut_and_answered_with_a_503(settings, caplog):
    needs_postgresql()
    settings.SEARCH_STATEMENT_TIMEOUT_MS = 200
    # Another connection holds the guides' table: the search's first query waits for it, as long as a
    # costly query would run, until PostgreSQL cuts it.
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.execute("SET idle_in_transaction_session_timeout = '3s'")  # without the limit: a failure, not a hang
        other.execute("BEGIN")
        other.execute("LOCK TABLE articles_article IN ACCESS EXCLUSIVE MODE")
        response = Client().get("/search/", {"q": "magnesium"})
    finally:
        other.close()
    assertContains(response, "That search took too long; try fewer or more specific words.", status_code=503)
    assert "no-store" in response["Cache-Control"]
    assert "A search was cut by its statement timeout (200 ms)" in caplog.text
    assert "magnesium" not in caplog.text
    assertContains(Client().get("/search/", {"q": "magnesium"}), "No results for “magnesium”.")
