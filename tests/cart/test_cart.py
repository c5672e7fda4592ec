"""The Cart class: its API over the session and the CartLine table."""

from decimal import Decimal

import pytest

from cart.cart import Cart, CartError
from cart.models import CartLine
from tests.factories import make_product

pytestmark = pytest.mark.django_db


def test_new_cart_is_empty_and_costs_no_query(cart, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert cart.lines == []
        assert cart.count == 0
        assert cart.subtotal == Decimal("0.00")


def test_add_then_add_again_sums_quantities(cart):
    product = make_product(price=Decimal("12.50"))
    assert cart.add(product, 2) == 2
    assert cart.add(product, 3) == 5
    assert [(line.product, line.quantity) for line in cart.lines] == [(product, 5)]
    assert cart.count == 5
    assert cart.subtotal == Decimal("62.50")


def test_lines_keep_the_order_products_were_added(cart):
    first, second = make_product(name="Zinc"), make_product(name="Apple")
    cart.add(first, 1)
    cart.add(second, 1)
    assert [line.product.name for line in cart.lines] == ["Zinc", "Apple"]


def test_sale_price_is_what_the_line_costs(cart):
    product = make_product(price=Decimal("29.00"), sale_price=Decimal("24.00"))
    cart.add(product, 2)
    assert cart.subtotal == Decimal("48.00")


def test_session_holds_only_the_cart_key(cart, session):
    cart.add(make_product(), 1)
    assert set(session.keys()) == {"cart"}
    assert len(session["cart"]) == 64


def test_add_beyond_stock_is_refused_and_changes_nothing(cart):
    product = make_product(stock=3)
    cart.add(product, 2)
    with pytest.raises(CartError, match="at most 3 of .* it has 2 already"):
        cart.add(product, 2)
    assert cart.quantity_of(product) == 2


def test_add_more_than_stock_to_a_new_line_is_refused(cart):
    product = make_product(stock=3)
    with pytest.raises(CartError, match="Only 3 of"):
        cart.add(product, 4)
    assert not CartLine.objects.exists()


def test_inactive_or_sold_out_products_cannot_be_added(cart):
    with pytest.raises(CartError, match="no longer available"):
        cart.add(make_product(is_active=False), 1)
    with pytest.raises(CartError, match="out of stock"):
        cart.add(make_product(stock=0), 1)
    assert not CartLine.objects.exists()


@pytest.mark.parametrize("quantity", [0, -1, 21, 10**9])
def test_quantities_outside_one_to_twenty_are_refused(cart, quantity):
    product = make_product(stock=10**6)
    cart.add(product, 1)
    with pytest.raises(CartError, match="Choose a quantity from 1 to 20"):
        cart.add(product, quantity)
    with pytest.raises(CartError, match="Choose a quantity from 1 to 20"):
        cart.set_quantity(product, quantity)
    assert cart.quantity_of(product) == 1


def test_set_quantity_replaces_the_quantity(cart):
    product = make_product()
    cart.add(product, 5)
    cart.set_quantity(product, 3)
    assert cart.quantity_of(product) == 3


def test_set_quantity_of_a_product_not_in_the_cart_is_refused(cart):
    with pytest.raises(CartError, match="is not in your cart"):
        cart.set_quantity(make_product(), 1)


def test_remove_takes_out_one_line(cart):
    kept, removed = make_product(), make_product()
    cart.add(kept, 1)
    cart.add(removed, 1)
    cart.remove(removed)
    assert [line.product for line in cart.lines] == [kept]


def test_clear_then_undo_puts_the_lines_back(cart):
    first, second = make_product(), make_product()
    cart.add(first, 2)
    cart.add(second, 1)
    cart.clear()
    assert cart.lines == []
    assert cart.can_undo
    assert cart.undo_clear() == []
    assert {(line.product, line.quantity) for line in cart.lines} == {(first, 2), (second, 1)}
    assert not cart.can_undo


def test_undo_after_the_time_is_up_is_refused(cart, session, settings):
    settings.CART_UNDO_SECONDS = -1
    cart.add(make_product(), 1)
    cart.clear()
    assert not cart.can_undo
    with pytest.raises(CartError, match="nothing to undo"):
        cart.undo_clear()


def test_undo_respects_stock_that_fell_meanwhile(cart):
    product = make_product(stock=10)
    cart.add(product, 5)
    cart.clear()
    product.stock = 2
    product.save()
    cart.undo_clear()
    assert cart.quantity_of(product) == 2


@pytest.mark.parametrize("stored", ["x" * 64, 42, ["a"], {"id": 1}, "0" * 63])
def test_malformed_stored_cart_starts_clean(session, stored):
    session["cart"] = stored
    cart = Cart(session)
    assert cart.lines == []
    assert "cart" not in session
    cart.add(make_product(), 1)
    assert cart.count == 1


def test_another_session_sees_nothing_of_this_cart(cart, client):
    cart.add(make_product(), 1)
    other = client.session.__class__()
    other.save()
    assert Cart(other).lines == []


def test_reconcile_removes_inactive_and_deleted_products_and_says_so(cart):
    gone, hidden, kept = make_product(name="Gone"), make_product(name="Hidden"), make_product(name="Kept")
    for product in (gone, hidden, kept):
        cart.add(product, 1)
    gone.delete()
    hidden.is_active = False
    hidden.save()
    notices = cart.reconcile()
    assert [n.text for n in notices] == [
        "Gone is no longer available and was removed from your cart.",
        "Hidden is no longer available and was removed from your cart.",
    ]
    assert [line.product for line in cart.lines] == [kept]
    assert CartLine.objects.count() == 1


def test_reconcile_lowers_a_quantity_to_the_stock_left(cart):
    product = make_product(name="Roller", stock=10)
    cart.add(product, 6)
    product.stock = 4
    product.save()
    assert [n.text for n in cart.reconcile()] == [
        "Roller: only 4 can be ordered now, so we lowered your quantity from 6."
    ]
    assert cart.lines[0].quantity == 4
    assert cart.lines[0].notice.startswith("Roller: only 4")


def test_reconcile_removes_a_sold_out_product(cart):
    product = make_product(name="Mat", stock=3)
    cart.add(product, 1)
    product.stock = 0
    product.save()
    assert [n.text for n in cart.reconcile()] == ["Mat is out of stock and was removed from your cart."]
    assert cart.lines == []


def test_reconcile_reports_a_price_change_once(cart):
    product = make_product(name="Protein", price=Decimal("29.00"))
    cart.add(product, 1)
    product.sale_price = Decimal("24.00")
    product.save()
    assert [n.text for n in cart.reconcile()] == ["Protein: the price changed from $29.00 to $24.00."]
    assert cart.reconcile() == []
    assert cart.subtotal == Decimal("24.00")
