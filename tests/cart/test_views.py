"""The cart's pages and actions, as a plain form post and as a background (htmx) request."""

from decimal import Decimal

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from cart.cart import Cart
from tests.factories import make_article, make_product, png
from tests.html import badge, find_all, parse, text

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/shop/"}
HTMX_ON_CART = {"HX-Request": "true", "HX-Current-URL": "http://testserver/cart/"}


def status(response) -> str:
    return text(find_all(parse(response.content), "div", id="cart-status")[0])


def cart_of(client) -> Cart:
    return Cart(client.session)


@pytest.fixture
def product():
    return make_product(name="Magnesium glycinate capsules", price=Decimal("18.50"), stock=10)


def feedback(response, product) -> str:
    """What the add form of `product` says on the page (or in a fragment) after an add."""
    return text(find_all(parse(response.content), "p", id=f"add-feedback-{product.pk}")[0])


def test_add_without_javascript_lands_at_the_card_with_the_message_beside_its_form(client, product):
    response = client.post("/cart/add/", {"product": product.pk, "quantity": 2, "next": "/shop/"})
    assertRedirects(response, f"/shop/#product-{product.slug}", fetch_redirect_response=False)
    page = client.get("/shop/")
    card = find_all(parse(page.content), "article", id=f"product-{product.slug}")[0]
    form = find_all(card, "form", **{"class": "add-form"})[0]
    message = "Added 2 × Magnesium glycinate capsules to your cart."
    assert text(find_all(form, "p", id=f"add-feedback-{product.pk}")[0]) == f"{message} View cart"
    assert page.content.decode().count(message) == 1  # at the form, not in the list under the header too
    assert badge(page) == "2 items in"
    assert feedback(client.get("/shop/"), product) == ""  # shown once


def test_other_messages_stay_in_the_list_under_the_header(client, product):
    client.post("/cart/add/", {"product": product.pk, "quantity": 1, "next": "/shop/"})
    client.post("/cart/remove/", {"product": product.pk, "next": "/shop/"})
    page = client.get("/shop/")
    messages = find_all(parse(page.content), "div", **{"class": "container messages", "role": "status"})[0]
    assert text(messages) == "Removed Magnesium glycinate capsules from your cart."
    assert feedback(page, product) == "Added 1 × Magnesium glycinate capsules to your cart. View cart"


def test_a_refused_add_without_javascript_links_back_to_the_card(client, product):
    response = client.post("/cart/add/", {"product": product.pk, "quantity": 11, "next": "/shop/"})
    assertContains(response, "Only 10 of Magnesium glycinate capsules can be ordered", status_code=400)
    assertContains(response, f'<a href="/shop/#product-{product.slug}">Go back</a>', status_code=400)


def test_the_htmx_add_answers_at_the_form_and_announces_once(client, product):
    response = client.post("/cart/add/", {"product": product.pk, "quantity": 1}, headers=HTMX)
    slot = find_all(parse(response.content), "p", id=f"add-feedback-{product.pk}")[0]
    assert ("data-hx-swap-oob", "true") in slot.attributes
    assert text(slot) == "Added · View cart"
    assert "add-form__feedback--error" not in dict(slot.attributes)["class"]
    announced = "Added 1 × Magnesium glycinate capsules to your cart."
    assert response.content.decode().count(announced) == 1  # in the live region only
    assert status(response).startswith(announced)


def test_a_refused_htmx_add_gives_the_reason_at_the_form(client, product):
    product.stock = 3
    product.save()
    client.post("/cart/add/", {"product": product.pk, "quantity": 3})
    response = client.post("/cart/add/", {"product": product.pk, "quantity": 1}, headers=HTMX)
    assert response.status_code == 400
    reason = "You can have at most 3 of Magnesium glycinate capsules in your cart; it has 3 already."
    assert feedback(response, product) == f"Not added. {reason}"
    assert status(response) == reason


def test_the_quantity_input_is_described_by_the_forms_feedback(client, product):
    form = find_all(parse(client.get("/shop/").content), "form", **{"class": "add-form"})[0]
    quantity = next(field for field in find_all(form, "input") if ("name", "quantity") in field.attributes)
    feedback_id = f"add-feedback-{product.pk}"
    assert ("aria-describedby", feedback_id) in quantity.attributes
    assert find_all(form, "p", id=feedback_id)  # in the same form as the quantity


def test_add_as_a_background_request_returns_the_updated_parts_only(client, product):
    response = client.post("/cart/add/", {"product": product.pk, "quantity": 1}, headers=HTMX)
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert badge(response) == "1 item in"
    assert status(response) == (
        "Added 1 × Magnesium glycinate capsules to your cart. Your cart has 1 item, subtotal $18.50."
    )
    panel = find_all(parse(response.content), "div", id="mini-cart-panel")[0]
    assert ("data-hx-swap-oob", "true") in panel.attributes
    assert "Magnesium glycinate capsules × 1 $18.50" in text(panel)
    assert not find_all(parse(response.content), "div", id="cart-contents")


def test_a_change_on_the_cart_page_also_updates_the_cart_table(client, product):
    client.post("/cart/add/", {"product": product.pk, "quantity": 1})
    response = client.post("/cart/update/", {"product": product.pk, "quantity": 3}, headers=HTMX_ON_CART)
    contents = find_all(parse(response.content), "div", id="cart-contents")[0]
    assert "Subtotal $55.50" in text(contents)
    assert status(response).startswith("Magnesium glycinate capsules: quantity is now 3.")


def test_update_and_remove_without_javascript(client, product):
    client.post("/cart/add/", {"product": product.pk, "quantity": 1})
    assertRedirects(client.post("/cart/update/", {"product": product.pk, "quantity": 4, "next": "/cart/"}), "/cart/")
    assert cart_of(client).quantity_of(product) == 4
    assertRedirects(client.post("/cart/remove/", {"product": product.pk, "next": "/cart/"}), "/cart/")
    assert cart_of(client).lines == []


def test_remove_all_items_empties_the_cart_and_offers_undo(client, product):
    client.post("/cart/add/", {"product": product.pk, "quantity": 2})
    client.post("/cart/clear/", {"next": "/cart/"})
    page = client.get("/cart/")
    assertContains(page, "No products in the cart.")
    assertContains(page, "Undo: put the items back")
    assertRedirects(client.post("/cart/undo/", {"next": "/cart/"}), "/cart/", fetch_redirect_response=False)
    assert cart_of(client).quantity_of(product) == 2
    assertContains(client.get("/cart/"), "Your items are back in the cart.")


def test_undo_with_nothing_to_undo_is_a_400(client):
    response = client.post("/cart/undo/", {"next": "/cart/"})
    assertContains(response, "There is nothing to undo any more.", status_code=400)


def test_empty_cart_page_points_back_to_guides_and_shop(client):
    response = client.get("/cart/")
    assertContains(response, '<p class="cart-empty">No products in the cart.</p>', html=True)
    assertContains(response, '<a href="/guides/">health guides</a>', html=True)
    assertContains(response, '<a href="/shop/">shop</a>', html=True)


def test_cart_page_lists_lines_with_labelled_quantity_inputs(client, product):
    client.post("/cart/add/", {"product": product.pk, "quantity": 2})
    response = client.get("/cart/")
    assertContains(
        response,
        f'<label class="visually-hidden" for="line-qty-{product.pk}">Quantity of Magnesium glycinate capsules</label>',
        html=True,
    )
    assertContains(response, "$37.00")
    assertContains(response, 'aria-label="Remove Magnesium glycinate capsules">Remove</button>')


def test_cart_page_tells_of_a_price_change_on_the_line(client, product):
    client.post("/cart/add/", {"product": product.pk, "quantity": 1})
    product.price = Decimal("20.00")
    product.save()
    response = client.get("/cart/")
    assertContains(response, "Changes since you last looked")
    assertContains(
        response,
        '<p class="line-notice">Magnesium glycinate capsules: the price changed from $18.50 to $20.00.</p>',
        html=True,
    )


@pytest.mark.parametrize("url", ["/cart/add/", "/cart/update/", "/cart/remove/", "/cart/clear/", "/cart/undo/"])
def test_actions_refuse_get(client, url):
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "foo", "0", ""])
def test_redirect_back_goes_to_the_cart_unless_next_is_a_path_on_this_site(client, product, target):
    response = client.post("/cart/add/", {"product": product.pk, "quantity": 1, "next": target})
    assertRedirects(response, "/cart/")
    assert Cart(client.session).count == 1


@pytest.mark.parametrize("url", ["/cart/update/", "/cart/remove/", "/cart/clear/", "/cart/undo/"])
def test_every_action_with_a_next_that_is_no_path_redirects_to_the_cart(client, product, url):
    client.post("/cart/add/", {"product": product.pk, "quantity": 1})
    if url == "/cart/undo/":
        client.post("/cart/clear/")
    response = client.post(url, {"product": product.pk, "quantity": 2, "next": "foo"})
    assert (response.status_code, response["Location"]) == (302, "/cart/")


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("0", "Choose a quantity from 1 to 20."),
        ("-1", "Choose a quantity from 1 to 20."),
        ("abc", "Choose a quantity from 1 to 20."),
        ("", "Choose a quantity from 1 to 20."),
        ("21", "Choose a quantity from 1 to 20."),
        ("100000000000000000000", "Choose a quantity from 1 to 20."),
        ("11", "Only 10 of Magnesium glycinate capsules can be ordered; choose 10 or fewer."),
    ],
)
def test_bad_quantity_is_a_400_with_a_message_and_the_cart_unchanged(client, product, quantity, message):
    client.post("/cart/add/", {"product": product.pk, "quantity": 1})
    response = client.post("/cart/add/", {"product": product.pk, "quantity": quantity})
    assertContains(response, message, status_code=400)
    assert cart_of(client).quantity_of(product) == 1
    response = client.post("/cart/update/", {"product": product.pk, "quantity": quantity}, headers=HTMX)
    assert response.status_code == 400
    assert status(response) == message
    assert cart_of(client).quantity_of(product) == 1


@pytest.mark.parametrize("product_id", ["999999", "abc", "", "-3"])
def test_unknown_product_is_refused(client, product_id):
    response = client.post("/cart/add/", {"product": product_id, "quantity": 1})
    assert response.status_code in {400, 404}
    assertContains(response, "Your cart was not changed", status_code=response.status_code)
    assert cart_of(client).lines == []


def test_deleted_product_is_a_404(client):
    product = make_product()
    product_id = product.pk
    product.delete()
    response = client.post("/cart/add/", {"product": product_id, "quantity": 1})
    assertContains(response, "That product is not in our shop.", status_code=404)


def test_inactive_product_is_refused_with_a_reason(client):
    product = make_product(name="Old stock", is_active=False)
    response = client.post("/cart/add/", {"product": product.pk, "quantity": 1})
    assertContains(response, "Old stock is no longer available.", status_code=400)


def test_malformed_session_cart_gives_a_clean_cart_page(client, session):
    session["cart"] = {"not": "a key"}
    session.save()
    response = client.get("/cart/")
    assertContains(response, "No products in the cart.")


def test_mini_cart_fragment_for_other_tabs(client, product):
    client.post("/cart/add/", {"product": product.pk, "quantity": 3})
    response = client.get("/cart/mini/", headers=HTMX)
    assert badge(response) == "3 items in"
    assert status(response) == ""
    assert client.post("/cart/mini/").status_code == 405


def test_guide_shows_mentioned_products_with_price_stock_and_disclosure(client):
    article = make_article()
    on_sale = make_product(name="Protein", price=Decimal("29.00"), sale_price=Decimal("24.00"))
    sold_out = make_product(name="Mat", stock=0)
    hidden = make_product(name="Hidden", is_active=False)
    for order, product in enumerate([on_sale, sold_out, hidden]):
        article.product_links.create(product=product, order=order)
    response = client.get(article.get_absolute_url())
    section = find_all(parse(response.content), "section", **{"class": "mentioned"})[0]
    assert [text(h) for h in find_all(section, "h3")] == ["Protein", "Mat"]
    assert "Disclosure: Steady Strength sells these products" in text(section)
    assert "Sale price $24.00 was $29.00" in text(section)
    assert "Out of stock" in text(section)
    assert len(find_all(section, "form")) == 1
    assertNotContains(response, "Hidden")


def test_guide_page_query_count_with_a_five_line_cart(client, django_assert_num_queries):
    article = make_article()
    for _ in range(5):
        product = make_product()
        article.product_links.create(product=product)
        client.post("/cart/add/", {"product": product.pk, "quantity": 1})
    # The first visit, nothing cached: session, guide, FAQs, sources, products mentioned, related
    # guides, cart lines, the footer's links. Once the guide's body and the links are cached it is
    # three (tests/test_page_cache.py).
    with django_assert_num_queries(8):
        response = client.get(article.get_absolute_url())
    assert badge(response) == "5 items in"


def test_guide_page_for_a_visitor_without_a_cart_runs_no_cart_query(client, django_assert_num_queries):
    article = make_article()
    article.product_links.create(product=make_product())
    # The first visit: guide, FAQs, sources, products mentioned, related guides, the footer's links (the
    # first page rendered after a change reads them); no session, no cart.
    with django_assert_num_queries(6):
        client.get(article.get_absolute_url())


@pytest.mark.parametrize("lines", [1, 5])
def test_cart_page_query_count_does_not_grow_with_lines(client, django_assert_num_queries, lines):
    for _ in range(lines):
        client.post("/cart/add/", {"product": make_product().pk, "quantity": 1})
    # Session, lines for reconciling, lines for showing, and the footer's links: the first page
    # rendered after a change reads them, later ones take them from the cache.
    with django_assert_num_queries(4):
        client.get("/cart/")
    with django_assert_num_queries(3):
        client.get("/cart/")


def test_add_as_a_background_request_query_count(client, product, django_assert_num_queries):
    client.post("/cart/add/", {"product": product.pk, "quantity": 1})
    # Product, session, one upsert statement, lines for the fragments.
    with django_assert_num_queries(4):
        client.post("/cart/add/", {"product": product.pk, "quantity": 1}, headers=HTMX)


def remove_form_in_the_mini_cart(response, product) -> dict[str, str]:
    """The fields of the mini cart's Remove form for `product`."""
    panel = find_all(parse(response.content), "div", id="mini-cart-panel")[0]
    for form in find_all(panel, "form"):
        fields = {dict(i.attributes)["name"]: dict(i.attributes)["value"] for i in find_all(form, "input")}
        if dict(form.attributes)["action"] == "/cart/remove/" and fields.get("product") == str(product.pk):
            return fields
    raise AssertionError(f"no Remove form for {product.name} in the mini cart")


@pytest.mark.parametrize("background", [False, True])
def test_a_line_removed_from_the_mini_cart_takes_only_that_line(client, product, background):
    other = make_product(name="Foam roller")
    for each in (product, other):
        client.post("/cart/add/", {"product": each.pk, "quantity": 2})
    page = client.get("/shop/")
    fields = remove_form_in_the_mini_cart(page, product)
    assert fields == {"product": str(product.pk), "next": "/shop/"}
    response = client.post("/cart/remove/", fields, headers=HTMX if background else {})
    if background:
        panel = find_all(parse(response.content), "div", id="mini-cart-panel")[0]
        assert "Foam roller × 2" in text(panel) and "Magnesium" not in text(panel)
    else:
        assertRedirects(response, "/shop/", fetch_redirect_response=False)
    assert [(line.product, line.quantity) for line in cart_of(client).lines] == [(other, 2)]


def test_mini_cart_and_cart_page_lines_have_thumbnails_and_a_labelled_remove(client):
    product = make_product(name="Foam roller", image=png(400, 400), image_alt="A foam roller")
    client.post("/cart/add/", {"product": product.pk, "quantity": 1})
    page = client.get("/cart/")
    for part in ("mini-cart-panel", "cart-contents"):
        container = find_all(parse(page.content), "div", id=part)[0]
        thumbnail = find_all(container, "img")[0]
        assert ("alt", "") in thumbnail.attributes  # the name is beside it
        assert "320w" in dict(thumbnail.attributes)["srcset"]
        labels = [dict(b.attributes).get("aria-label") for b in find_all(container, "button")]
        assert "Remove Foam roller" in labels


def test_cart_page_shows_a_sale_price_as_was_and_now(client):
    product = make_product(name="Protein", price=Decimal("29.00"), sale_price=Decimal("24.00"))
    client.post("/cart/add/", {"product": product.pk, "quantity": 2})
    row = find_all(find_all(parse(client.get("/cart/").content), "table")[0], "tr")[1]
    price = next(cell for cell in find_all(row, "td") if ("data-label", "Price") in cell.attributes)
    assert text(price) == "Sale price $24.00 was $29.00"
    assert text(find_all(price, "del")[0]) == "was $29.00"
    assert "$48.00" in text(row)
