"""An existing database takes the move of the products from the cart app to the catalogue with its data:
the rows, the links to them from carts, guides and orders, and the permissions staff groups hold."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from articles.models import Article
from cart.models import CartLine
from catalogue.models import Product, ProductCategory
from orders.models import OrderLine

BEFORE = [
    ("cart", "0007_control_characters"),
    ("articles", "0010_control_characters"),
    ("orders", "0010_control_characters"),
    ("auth", "0012_alter_user_first_name_max_length"),
]


@pytest.mark.django_db(transaction=True)  # migrations run outside the test's transaction
def test_a_database_from_before_the_catalogue_moves_forward_with_its_products_links_and_permissions():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    shelf = old.get_model("cart", "ProductCategory").objects.create(name="Shelf", slug="shelf")
    product = old.get_model("cart", "Product").objects.create(
        name="Jar", slug="jar", sku="JAR-1", short_description="A jar.", price=Decimal("9.50"), stock=3, category=shelf
    )
    old.get_model("cart", "CartLine").objects.create(
        cart_key="k" * 64, product=product, product_name="Jar", quantity=2, unit_price_seen=Decimal("9.50")
    )
    category = old.get_model("articles", "Category").objects.create(name="Rest", slug="rest")
    guide = old.get_model("articles", "Article").objects.create(title="A guide", slug="a-guide", category=category)
    old.get_model("articles", "ArticleProduct").objects.create(article=guide, product=product, order=1)
    order = old.get_model("orders", "Order").objects.create(
        idempotency_key="t", name="Sam", email="sam@example.com", address="1 St", city="C", country="GB",
        subtotal=Decimal("9.50"), shipping=Decimal("0"), total=Decimal("9.50"),
    )  # fmt: skip
    old.get_model("orders", "OrderLine").objects.create(
        order=order, product=product, product_name="Jar", sku="JAR-1", unit_price=Decimal("9.50"), quantity=1
    )
    # As an old database has them: the content type under the cart app (migrating back put it there).
    content_type, _ = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="cart", model="product"
    )
    permission, _ = old.get_model("auth", "Permission").objects.get_or_create(
        content_type=content_type, codename="change_product", defaults={"name": "Can change product"}
    )
    old.get_model("auth", "Group").objects.create(name="Shop managers").permissions.add(permission)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = Product.objects.get(pk=product.pk)
    assert (moved.name, moved.price, moved.stock, moved.category) == (
        "Jar",
        Decimal("9.50"),
        3,
        ProductCategory.objects.get(),
    )
    assert CartLine.objects.get().product == moved
    assert list(Article.objects.get(pk=guide.pk).products.all()) == [moved]
    assert OrderLine.objects.get().product == moved
    held = Group.objects.get(name="Shop managers").permissions.get()
    assert (held.content_type.app_label, held.codename) == ("catalogue", "change_product")
