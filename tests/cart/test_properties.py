"""Property-based: any sequence of cart operations agrees with a plain dictionary model of the cart."""

from decimal import Decimal

import pytest
from django.contrib.sessions.backends.db import SessionStore
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cart.cart import Cart, CartError
from tests.factories import make_product

pytestmark = pytest.mark.django_db

operations = st.lists(
    st.tuples(
        st.sampled_from(["add", "set", "remove", "clear"]),
        st.integers(min_value=0, max_value=2),  # which product
        st.integers(min_value=-2, max_value=25),  # quantity, valid or not
    ),
    max_size=25,
)


@pytest.fixture
def products():
    return [
        make_product(price=Decimal("18.50"), stock=100),
        make_product(price=Decimal("29.00"), sale_price=Decimal("24.00"), stock=100),
        make_product(price=Decimal("35.00"), stock=3),
    ]


def limit(product) -> int:
    return min(product.stock, 20)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_cart_matches_a_simple_model_after_any_operations(products, steps):
    session = SessionStore()
    cart = Cart(session)
    model: dict[int, int] = {}
    for name, index, quantity in steps:
        product = products[index]
        current = model.get(product.pk, 0)
        valid = 1 <= quantity <= limit(product)
        if name == "add":
            expected_ok = valid and current + quantity <= limit(product)
            try:
                cart.add(product, quantity)
                assert expected_ok
                model[product.pk] = current + quantity
            except CartError:
                assert not expected_ok
        elif name == "set":
            expected_ok = valid and current > 0
            try:
                cart.set_quantity(product, quantity)
                assert expected_ok
                model[product.pk] = quantity
            except CartError:
                assert not expected_ok
        elif name == "remove":
            cart.remove(product)
            model.pop(product.pk, None)
        else:
            cart.clear()
            model.clear()

        lines = cart.lines
        assert {line.product.pk: line.quantity for line in lines} == model
        assert cart.count == sum(model.values())
        assert cart.subtotal == sum((line.product.current_price * line.quantity for line in lines), Decimal("0.00"))
        assert all(1 <= line.quantity <= limit(line.product) for line in lines)
