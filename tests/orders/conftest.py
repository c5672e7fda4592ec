import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from tests.factories import CUSTOMER, checkout_fields, make_bank_transfer, make_cash_on_delivery, make_product


@pytest.fixture
def payment_methods(db):
    """A bank transfer (the default) and cash on delivery for Great Britain and Ireland."""
    return {"bank": make_bank_transfer(), "cod": make_cash_on_delivery()}


@pytest.fixture
def products(payment_methods):
    return [
        make_product(name="Magnesium", sku="MAG", price=Decimal("18.50"), stock=10),
        make_product(name="Protein", sku="PRO", price=Decimal("29.00"), sale_price=Decimal("24.00"), stock=5),
        make_product(name="Roller", sku="ROL", price=Decimal("22.00"), stock=3),
    ]


@pytest.fixture
def filled_cart(client, products):
    """Three products in the client's cart: 2 × 18.50 + 1 × 24.00 + 1 × 22.00 = 83.00."""
    for product, quantity in zip(products, [2, 1, 1], strict=True):
        assert client.post("/cart/add/", {"product": product.pk, "quantity": quantity}).status_code == 302
    return client


@pytest.fixture
def checkout_form(filled_cart):
    """The hidden fields and default payment choice of the checkout page as the visitor got it, plus the
    delivery details."""

    def form(client=filled_cart, **overrides) -> dict:
        page = client.get("/checkout/")
        assert page.status_code == 200
        return CUSTOMER | checkout_fields(page) | overrides

    return form


@pytest.fixture
def run_worker():
    def run() -> str:
        out = io.StringIO()
        call_command("db_worker", "--batch", "--no-startup-delay", stdout=out, stderr=out)
        return out.getvalue()

    return run
