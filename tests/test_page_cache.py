"""The shared page cache: served to visitors without a session, replaced when content changes,
and never holding a byte of one visitor."""

import gzip
from decimal import Decimal

import pytest
import redis
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.http import HttpResponse
from django.test import Client
from django.utils.cache import patch_cache_control
from pytest_django.asserts import assertContains, assertNotContains

from cart.cart import Cart
from cart.models import CartLine
from core import pages
from core.testing.servers import use_redis
from orders.models import Order
from tests.factories import (
    CUSTOMER,
    checkout_fields,
    make_article,
    make_bank_transfer,
    make_faq,
    make_product,
    place_order_through_checkout,
)
from tests.html import badge, find_all, parse, text

pytestmark = pytest.mark.django_db

SHARED_PAGES = ["/", "/guides/", "/shop/"]
MINI_CART_REDIS = "redis://127.0.0.1:6379/11"  # a database of its own, flushed by the test using it


@pytest.fixture
def product():
    return make_product(name="Magnesium glycinate capsules", price=Decimal("18.50"), stock=2)


@pytest.fixture
def guide(product):
    article = make_article(title="What Causes Deep Muscle Fatigue (Even After Rest)?")
    make_faq(article, question="Is it normal to feel tired after rest?")
    article.product_links.create(product=product)
    return article


def cached_page(url: str):
    """What the cache holds for `url`, as a visitor without a session would get it."""
    return pages.stored_page(url)


def test_second_visitor_gets_the_guide_from_the_cache_without_a_query(guide, django_assert_num_queries):
    first = Client().get(guide.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = Client().get(guide.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assertContains(second, "Is it normal to feel tired after rest?")


@pytest.mark.parametrize("url", SHARED_PAGES)
def test_lists_and_product_pages_are_shared_too(guide, product, url, django_assert_num_queries):
    Client().get(url)
    with django_assert_num_queries(0):
        assert Client().get(url)["X-Page-Cache"] == "hit"
    Client().get(product.get_absolute_url())
    assert Client().get(product.get_absolute_url())["X-Page-Cache"] == "hit"


def test_guide_for_a_visitor_with_a_five_line_cart_runs_three_queries(client, guide, django_assert_num_queries):
    for _ in range(5):
        client.post("/cart/add/", {"product": make_product().pk, "quantity": 1})
    Client().get(guide.get_absolute_url())  # another visitor warmed the guide
    # Session, guide (with its people), cart lines: the body below the header comes from the cache.
    with django_assert_num_queries(3):
        response = client.get(guide.get_absolute_url())
    assert "X-Page-Cache" not in response
    assert badge(response) == "5 items in"
    assertContains(response, "Is it normal to feel tired after rest?")


def test_a_visitor_with_a_cart_gets_their_own_page_and_it_is_not_stored(client, guide, product):
    client.post("/cart/add/", {"product": product.pk, "quantity": 2})
    mine = client.get(guide.get_absolute_url())
    assert badge(mine) == "2 items in"
    assert cached_page(guide.get_absolute_url()) is None
    theirs = Client().get(guide.get_absolute_url())
    assert theirs["X-Page-Cache"] == "miss"
    assert badge(theirs) == "0 items in"


def test_cached_bytes_hold_nothing_of_either_visitor(guide, product, django_user_model):
    with_cart = Client()
    with_cart.post("/cart/add/", {"product": product.pk, "quantity": 2})
    staff = Client()
    staff.force_login(django_user_model.objects.create_user("Ada Placeholder", password="pw", is_staff=True))
    without = Client()
    for visitor in (with_cart, staff, without, with_cart, staff, without):
        visitor.get(guide.get_absolute_url())

    stored = cached_page(guide.get_absolute_url())
    assert stored is not None
    body = stored.content.decode()
    assert not stored.cookies
    assert "Set-Cookie" not in str(stored.serialize_headers())
    assert "csrfmiddlewaretoken" not in body and "csrftoken" not in body
    for visitor in (with_cart, staff):
        assert visitor.session.session_key not in body
    assert Cart(with_cart.session).key not in body
    assert "Ada Placeholder" not in body
    assert badge(stored) == "0 items in"
    assert "No products in the cart." in body
    assert "Remove All Items" in body
    hit = without.get(guide.get_absolute_url())
    assert hit["X-Page-Cache"] == "hit"
    assert not hit.cookies

    # The with-cart visitor's later visits were served from it; this process's split copy of the page
    # (its two sides around the mini cart) holds nothing of theirs either.
    assert with_cart.get(guide.get_absolute_url())["X-Page-Cache"] == "hit, own mini cart"
    split = pages.local.get(pages.page_key(guide.get_absolute_url(), "split"), pages.generation())[1]
    sides = (split.head + split.tail).decode()
    assert "Magnesium glycinate capsules</a> <span" not in sides and "2 items in" not in sides
    assert with_cart.session.session_key not in sides and Cart(with_cart.session).key not in sides


def test_next_visitor_sees_a_new_price(guide, product):
    assertContains(Client().get(guide.get_absolute_url()), "$18.50")
    product.price = Decimal("21.00")
    product.save()
    response = Client().get(guide.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assertContains(response, "$21.00")
    assertNotContains(response, "$18.50")
    assertContains(Client().get("/shop/"), "$21.00")


def test_next_visitor_sees_an_edited_faq_and_guide(guide):
    Client().get(guide.get_absolute_url())
    faq = guide.faqs.get()
    faq.question = "Why does rest not always help?"
    faq.save()
    assertContains(Client().get(guide.get_absolute_url()), "Why does rest not always help?")
    guide.summary = "A new summary for the guide."
    guide.save()
    assertContains(Client().get(guide.get_absolute_url()), "A new summary for the guide.")
    assertContains(Client().get("/guides/"), "A new summary for the guide.")


def test_next_visitor_sees_stock_sold_at_checkout(client, guide, product):
    assertNotContains(Client().get(product.get_absolute_url()), "Out of stock")
    client.post("/cart/add/", {"product": product.pk, "quantity": 2})
    place_order_through_checkout(client)
    product.refresh_from_db()
    assert product.stock == 0
    assertContains(Client().get(product.get_absolute_url()), "Out of stock")
    assertContains(Client().get(guide.get_absolute_url()), "Out of stock")


def test_a_sale_that_changes_nothing_the_pages_show_keeps_them_cached(client, guide):
    plenty = make_product(name="Foam roller", stock=100)
    guide.product_links.create(product=plenty)
    client.post("/cart/add/", {"product": plenty.pk, "quantity": 2})
    Client().get(guide.get_absolute_url())
    place_order_through_checkout(client)
    plenty.refresh_from_db()
    assert plenty.stock == 98  # still "In stock", still up to 20 per order
    assert Client().get(guide.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_visitor_without_javascript_adds_to_the_cart_from_a_cached_page(guide, product):
    Client().get(guide.get_absolute_url())
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(guide.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    form = find_all(parse(page.content), "form", **{"class": "add-form"})[0]
    fields = {dict(field.attributes)["name"]: dict(field.attributes).get("value") for field in find_all(form, "input")}
    assert set(fields) == {"product", "next", "quantity"}  # no CSRF token to go stale
    response = visitor.post(
        dict(form.attributes)["action"],
        {"product": fields["product"], "next": fields["next"], "quantity": 1},
        headers={"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
    )
    assert response.status_code == 302
    after = visitor.get(response["Location"])
    assert "X-Page-Cache" not in after
    assert badge(after) == "1 item in"
    assertContains(after, f"Added 1 × {product.name} to your cart.")


@pytest.mark.parametrize("query", ["?utm_source=mail", "?page=1&x=1"])
def test_other_query_strings_are_rendered_not_stored(guide, query):
    Client().get(f"/guides/{query}")
    assert "X-Page-Cache" not in Client().get(f"/guides/{query}")


def test_background_requests_and_pages_for_one_visitor_are_not_shared(client, guide):
    assert "X-Page-Cache" not in Client().get("/cart/")
    assert "X-Page-Cache" not in Client().get(guide.get_absolute_url(), headers={"HX-Request": "true"})


@pytest.mark.parametrize("mark", ["cookie", "private"])
def test_a_response_that_sets_a_cookie_or_is_private_is_never_stored(rf, monkeypatch, mark):
    @pages.shared_page
    def view(request):
        response = HttpResponse("A page for one visitor")
        if mark == "cookie":
            response.set_cookie("visitor", "42")
        else:
            patch_cache_control(response, private=True)
        return response

    middleware = pages.PageCacheMiddleware(view)
    monkeypatch.setattr(
        pages.middleware, "shared_path", lambda request: request.path if request.path == "/somewhere/" else None
    )
    for _ in range(2):
        response = middleware(rf.get("/somewhere/"))
        assert "X-Page-Cache" not in response
    assert cached_page("/somewhere/") is None


def test_the_bench_floor_is_not_served_unless_asked_for(client):
    assert client.get("/bench/floor").status_code == 404


@pytest.mark.parametrize("query", ["?page=2", "?page=01", "?page=1&page=2", "?page=abc"])
def test_a_page_number_on_a_page_without_pages_is_rendered_not_stored(guide, query):
    url = guide.get_absolute_url() + query
    Client().get(url)
    assert "X-Page-Cache" not in Client().get(url)


def test_a_lists_later_pages_are_shared_but_odd_page_numbers_are_not():
    for _ in range(13):  # the shop lists twelve to a page
        make_product()
    Client().get("/shop/?page=2")
    assert Client().get("/shop/?page=2")["X-Page-Cache"] == "hit"
    Client().get("/shop/?page=02")
    assert "X-Page-Cache" not in Client().get("/shop/?page=02")


def test_the_guide_body_sends_visitors_back_to_the_page_without_its_query_string(guide):
    response = Client().get(guide.get_absolute_url() + "?utm_source=mail&email=someone%40example.com")
    form = find_all(parse(response.content), "form", **{"class": "add-form"})[0]
    assert [dict(i.attributes)["value"] for i in find_all(form, "input") if dict(i.attributes)["name"] == "next"] == [
        guide.get_absolute_url()
    ]
    assertNotContains(Client().get(guide.get_absolute_url()), "someone")


def test_a_new_release_starts_with_fresh_pages(guide, settings):
    Client().get(guide.get_absolute_url())
    assert Client().get(guide.get_absolute_url())["X-Page-Cache"] == "hit"
    settings.RELEASE = "build-2"
    assert Client().get(guide.get_absolute_url())["X-Page-Cache"] == "miss"


def test_check_deploy_warns_when_the_page_cache_is_local_to_each_process(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    assert [message.id for message in pages.check_shared_cache(None)] == ["pages.W001"]
    settings.PAGE_CACHE_SECONDS = 0
    assert pages.check_shared_cache(None) == []


def test_an_entry_in_an_older_shape_is_a_miss_not_an_error(guide):
    key = pages.page_key(guide.get_absolute_url(), "identity")
    cache.set(key, (pages.generation(), "an HttpResponse, as an earlier release stored it"))
    response = Client().get(guide.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "miss"


def test_with_the_page_cache_off_a_guide_asks_the_cache_nothing(client, guide, product, settings, monkeypatch):
    settings.PAGE_CACHE_SECONDS = 0
    client.post("/cart/add/", {"product": product.pk, "quantity": 1})
    calls = []
    for name in ("get", "get_many", "set", "add", "delete"):
        method = getattr(LocMemCache, name)
        monkeypatch.setattr(
            LocMemCache, name, lambda self, *a, _m=method, _n=name, **k: calls.append(_n) or _m(self, *a, **k)
        )
    for visitor in (Client(), client):
        assertContains(visitor.get(guide.get_absolute_url()), "Is it normal to feel tired after rest?")
    assert calls == []


def test_a_visitor_with_a_message_waiting_gets_it_not_a_shared_page(guide, product):
    Client().get(guide.get_absolute_url())
    visitor = Client()
    visitor.post("/cart/add/", {"product": product.pk, "quantity": 1, "next": guide.get_absolute_url()})
    visitor.cookies.pop("sessionid")  # only the messages cookie is left
    page = visitor.get(guide.get_absolute_url())
    assert "X-Page-Cache" not in page
    assertContains(page, f"Added 1 × {product.name} to your cart.")


def test_back_from_an_add_without_javascript_the_message_is_at_the_pick_and_for_that_visitor_only(
    guide, product, django_assert_num_queries
):
    url = guide.get_absolute_url()
    Client().get(url)
    visitor = Client()
    response = visitor.post("/cart/add/", {"product": product.pk, "quantity": 1, "next": url})
    assert response["Location"] == f"{url}#product-{product.slug}"
    # A new visitor with a cart renders the guide's body once for everyone (the cached fragment).
    undo = Client()
    undo.post("/cart/add/", {"product": product.pk, "quantity": 1})
    undo.post("/cart/clear/")
    undo.get("/cart/")
    undo.get(url)
    # Their message goes beside the pick's form, so the body is rendered for them, not taken from the
    # cached fragment: the first visit's queries (session, guide, FAQs, sources, products, related
    # guides, cart lines) once, instead of three. Only right after an add without JavaScript.
    with django_assert_num_queries(7):
        page = visitor.get(url)
    assert "X-Page-Cache" not in page and "private" in page["Cache-Control"]
    pick = find_all(parse(page.content), "li", id=f"product-{product.slug}")[0]
    message = f"Added 1 × {product.name} to your cart."
    assert text(find_all(pick, "p", **{"class": "add-form__feedback"})[0]) == f"{message} View cart"
    assert page.content.decode().count(message) == 1

    for other in (Client(), undo, visitor):  # the shared page, the cached body, the visitor's next visit
        assertNotContains(other.get(url), message)
    assert Client().get(url)["X-Page-Cache"] == "hit"


# A visitor with a cart: the shared page with their own mini cart in it (cart/mini_cart.py).


@pytest.fixture
def shopper(guide, product):
    """A visitor with 2 of `product` in their cart, whose "added" message has been shown."""
    shopper = Client()
    shopper.post("/cart/add/", {"product": product.pk, "quantity": 2})
    shopper.get("/cart/")  # the message is shown here and its cookie cleared
    Client().get(guide.get_absolute_url())  # a visitor without a cart warmed the guide
    return shopper


def spliced(visitor, url: str):
    """`visitor`'s page at `url` as served from the shared page (warmed first by a visitor without a cart)."""
    Client().get(url)
    response = visitor.get(url)
    assert response["X-Page-Cache"] == "hit, own mini cart"
    return response


def mini_cart_lines(response) -> list[str]:
    return [text(line) for line in find_all(parse(response.content), "li") if "mini-cart__qty" in str(line)]


def rendered_for(client, url: str, settings) -> bytes:
    """The page as the view renders it for `client`, with the page cache off."""
    seconds, settings.PAGE_CACHE_SECONDS = settings.PAGE_CACHE_SECONDS, 0
    try:
        return client.get(url).content
    finally:
        settings.PAGE_CACHE_SECONDS = seconds


def test_a_visitor_with_a_cart_gets_the_shared_page_with_their_own_mini_cart(shopper, guide, settings):
    url = guide.get_absolute_url()
    response = shopper.get(url)
    assert response["X-Page-Cache"] == "hit, own mini cart"
    assert badge(response) == "2 items in"
    assertContains(response, "$37.00")  # 2 × $18.50 in the mini cart
    assertContains(response, "Is it normal to feel tired after rest?")
    assert response.content == rendered_for(shopper, url, settings)  # the same bytes as a page rendered for them
    assert "private" in response["Cache-Control"] and response["Vary"] == "Cookie, Accept-Encoding"

    assert response["Content-Length"] == str(len(response.content))

    zipped = shopper.get(url, headers={"Accept-Encoding": "gzip"})
    assert (zipped["X-Page-Cache"], zipped["Content-Encoding"]) == ("hit, own mini cart", "gzip")
    assert gzip.decompress(zipped.content) == response.content
    assert zipped["Content-Length"] == str(len(zipped.content))


@pytest.fixture
def redis_sessions(settings):
    """The production cache and sessions (cached_db), on a Redis database of their own."""
    server = redis.Redis.from_url(MINI_CART_REDIS)
    server.flushdb()
    use_redis(settings, MINI_CART_REDIS)
    pages.reset()  # the generation this process knew came from the other cache
    yield
    server.flushdb()


JUNK_QUERIES = ["?", "?&", "?&&&", "?page=1&", "?&page=1", "?page=%31", "?pag%65=1", "?PAGE=1", "?page=+1"]
JUNK_HOSTS = ["testserver:1", "testserver:8080", "TESTSERVER", "testserver.", "other.example"]


def test_junk_urls_and_host_variants_store_no_page(guide, redis_sessions, settings):
    settings.ALLOWED_HOSTS = ["testserver", "other.example"]
    server = redis.Redis.from_url(MINI_CART_REDIS)
    for url in ["/", "/guides/", "/shop/", guide.get_absolute_url()]:
        Client().get(url)  # the real pages, stored once
    stored = sorted(server.keys("*page:v3:*"))
    assert len(stored) == 4

    for url in ["/", "/guides/", "/shop/", guide.get_absolute_url()]:
        for query in JUNK_QUERIES:
            assert Client().get(url + query).status_code == 200
        for host in JUNK_HOSTS:
            assert Client().get(url, headers={"Host": host}).status_code == 200

    assert sorted(server.keys("*page:v3:*")) == stored


def test_any_port_of_the_sites_host_is_served_the_one_stored_page(guide):
    Client().get(guide.get_absolute_url())
    assert Client().get(guide.get_absolute_url(), headers={"Host": "testserver:8443"})["X-Page-Cache"] == "hit"


def test_with_the_session_in_redis_a_warm_visit_runs_no_query(guide, redis_sessions, django_assert_num_queries):
    visitor = Client()
    visitor.post("/cart/add/", {"product": guide.products.get().pk, "quantity": 1})
    visitor.get("/cart/")
    Client().get(guide.get_absolute_url())
    with django_assert_num_queries(1):  # the cart's lines, once: the mini cart is then kept
        assert visitor.get(guide.get_absolute_url())["X-Page-Cache"] == "hit, own mini cart"
    with django_assert_num_queries(0):
        response = visitor.get(guide.get_absolute_url())
    assert (response["X-Page-Cache"], badge(response)) == ("hit, own mini cart", "1 item in")


def test_on_the_database_session_store_a_warm_visit_runs_one_query(shopper, guide, django_assert_num_queries):
    shopper.get(guide.get_absolute_url())
    with django_assert_num_queries(1):  # the session
        assert shopper.get(guide.get_absolute_url())["X-Page-Cache"] == "hit, own mini cart"


def test_every_change_to_the_cart_shows_on_the_next_page(shopper, guide, product, settings, django_assert_num_queries):
    url = guide.get_absolute_url()
    same_origin = {"Sec-Fetch-Site": "same-origin", "HX-Request": "true"}
    other = make_product(name="Potassium citrate placeholder", price=Decimal("9.00"))
    assert badge(spliced(shopper, url)) == "2 items in"

    shopper.post("/cart/add/", {"product": other.pk, "quantity": 1}, headers=same_origin)
    assert badge(page := spliced(shopper, url)) == "3 items in"
    assertContains(page, "Potassium citrate placeholder")

    shopper.post("/cart/update/", {"product": product.pk, "quantity": 1}, headers=same_origin)
    assert badge(spliced(shopper, url)) == "2 items in"
    shopper.post("/cart/remove/", {"product": other.pk}, headers=same_origin)
    assert badge(page := spliced(shopper, url)) == "1 item in"
    assertNotContains(page, "Potassium citrate placeholder")
    assert page.content == rendered_for(shopper, url, settings)

    shopper.post("/cart/clear/", {}, headers=same_origin)
    Client().get(url)
    with django_assert_num_queries(3):  # session (read once), guide, cart lines
        emptied = shopper.get(url)  # "Undo" is on offer for a while: rendered for them
    assert "X-Page-Cache" not in emptied and "private" in emptied["Cache-Control"]
    assert badge(emptied) == "0 items in"
    assertContains(emptied, "Undo: put the items back")


def test_a_price_change_reaches_the_kept_mini_cart(shopper, guide, product):
    url = guide.get_absolute_url()
    assertContains(spliced(shopper, url), "$37.00")
    product.price = Decimal("20.00")
    product.save()
    response = spliced(shopper, url)
    assertContains(response, "$40.00")  # their line, in the mini cart
    assertContains(response, '<p class="price"><strong>$20.00</strong></p>', html=True)  # the product card
    assertNotContains(response, "$37.00")
    assertNotContains(response, "$18.50")


@pytest.mark.parametrize("url", SHARED_PAGES)
def test_the_lists_and_product_pages_take_the_mini_cart_too(shopper, product, url, settings):
    for page in (url, product.get_absolute_url()):
        response = spliced(shopper, page)
        assert badge(response) == "2 items in"
        assert response.content == rendered_for(shopper, page, settings)  # "next" included: the page's own path


def test_new_settings_that_pages_show_start_fresh_pages_and_mini_carts(shopper, guide, settings):
    url = guide.get_absolute_url()
    assertContains(spliced(shopper, url), "Add $13.00 more for free shipping.")
    settings.FREE_SHIPPING_FROM = Decimal("100.00")  # shown in the mini cart
    settings.SITE_NAME = "Steady Strength Shop"  # shown around it
    response = spliced(shopper, url)
    assertContains(response, "Add $63.00 more for free shipping.")
    assertContains(response, '<a class="site-name" href="/">Steady Strength Shop</a>', html=True)


def test_an_order_placed_and_a_line_deleted_in_the_admin_empty_the_kept_mini_cart(guide, admin_client):
    url = guide.get_absolute_url()
    plenty = make_product(name="Plenty placeholder", stock=100)  # an order leaves what the shop shows of it alone
    visitor = Client()
    visitor.post("/cart/add/", {"product": plenty.pk, "quantity": 1})
    visitor.get("/cart/")
    make_bank_transfer()
    fields = checkout_fields(visitor.get("/checkout/"))
    assert badge(spliced(visitor, url)) == "1 item in"  # kept again after the checkout page's look at the cart
    visitor.post("/checkout/", CUSTOMER | fields)
    assert Order.objects.get().lines.get().product_name == "Plenty placeholder"
    visitor.get("/")  # the confirmation's message
    assert badge(spliced(visitor, url)) == "0 items in"

    visitor.post("/cart/add/", {"product": plenty.pk, "quantity": 2})
    visitor.get("/cart/")
    assert badge(spliced(visitor, url)) == "2 items in"
    line = CartLine.objects.get(cart_key=Cart(visitor.session).key)
    admin_client.post(f"/admin/cart/cartline/{line.pk}/delete/", {"post": "yes"})
    assert not CartLine.objects.filter(pk=line.pk).exists()
    assert badge(spliced(visitor, url)) == "0 items in"


def test_no_visitor_gets_another_visitors_mini_cart(shopper, guide, product, django_user_model):
    url = guide.get_absolute_url()
    other = Client()
    other.post("/cart/add/", {"product": make_product(name="Zinc placeholder").pk, "quantity": 3})
    other.get("/cart/")
    for _ in range(2):
        mine, theirs = spliced(shopper, url), spliced(other, url)
        assert (badge(mine), badge(theirs)) == ("2 items in", "3 items in")
        assert (mini_cart_lines(mine), mini_cart_lines(theirs)) == (
            ["Magnesium glycinate capsules × 2 $37.00 Remove"],  # each line has its own Remove button
            ["Zinc placeholder × 3 $30.00 Remove"],
        )

    stranger = Client()
    stranger.cookies["sessionid"] = "made-up-session-key-0123456789abcdef"
    guess = stranger.get(url)
    assert "X-Page-Cache" not in guess  # an unknown session: rendered for them, with an empty cart
    assert badge(guess) == "0 items in"

    staff = Client()
    staff.force_login(django_user_model.objects.create_user("staff", password="pw", is_staff=True))
    assert "X-Page-Cache" not in staff.get(url)  # a session with more than a cart


def test_a_view_is_shared_only_where_its_url_says_so_not_by_inheritance(guide, login_as):
    from articles.views import ArticleDetailView, ArticlePreviewView

    assert issubclass(ArticlePreviewView, ArticleDetailView)
    editor = login_as("Editors")
    preview = editor.get(f"/guides/{guide.slug}/preview/")
    assert preview.status_code == 200 and "X-Page-Cache" not in preview
    assert pages.stored_page(f"/guides/{guide.slug}/preview/") is None


@pytest.mark.parametrize(("app_label", "not_shown"), [("articles", set()), ("catalogue", set())])
def test_every_model_of_an_app_whose_content_pages_show_is_watched(app_label, not_shown):
    from django.apps import apps
    from django.db.models.signals import post_save

    uids = {receiver[0][0] for receiver in post_save.receivers}  # (dispatch_uid, sender id) first
    labels = {model._meta.label for model in apps.get_app_config(app_label).get_models()}
    assert {label for label in labels if f"pages-save-{label}" not in uids} == not_shown
    assert len(labels) > len(not_shown)  # (the app has models to watch)


def test_no_cart_row_is_watched_as_no_shared_page_shows_one():
    from django.apps import apps
    from django.db.models.signals import post_save

    uids = {receiver[0][0] for receiver in post_save.receivers}
    assert not {model._meta.label for model in apps.get_app_config("cart").get_models()} & {
        uid.removeprefix("pages-save-") for uid in uids if isinstance(uid, str)
    }


def test_an_author_renamed_outside_the_admin_shows_on_the_guide_at_once(guide):
    Client().get(guide.get_absolute_url())
    author = guide.author
    author.name = "Renamed placeholder author"
    author.save()  # as a shell, a command or a data migration would
    response = Client().get(guide.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assertContains(response, "Renamed placeholder author")
