"""Small factory functions: sensible defaults, every field overridable."""

import io
import itertools
from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import FAQ, Article, Author, Category, EditorialPage, Reference
from cart.models import Coupon
from catalogue.models import Ingredient, Product, ProductCategory, SupplementFacts
from orders.models import Order, PaymentMethod

_sequence = itertools.count(1)


def make_category(**overrides) -> Category:
    number = next(_sequence)
    fields = {"name": f"Category {number}", "slug": f"category-{number}"} | overrides
    return Category.objects.create(**fields)


def make_author(**overrides) -> Author:
    fields = {"name": f"Test author {next(_sequence)} (placeholder)"} | overrides
    return Author.objects.create(**fields)


def make_reviewer(**overrides) -> Author:
    """A medical reviewer: a person with (placeholder) credentials."""
    return make_author(**{"credentials": "Placeholder credentials"} | overrides)


def make_article(**overrides) -> Article:
    number = next(_sequence)
    fields = {
        "title": f"Guide {number}",
        "slug": f"guide-{number}",
        "summary": f"Summary of guide {number}.",
        "body": "## First section\n\nSome text.\n\n## Second section\n\nMore text.\n",
        "status": Article.Status.PUBLISHED,
        "published_at": timezone.now() - timedelta(days=1),
    } | overrides
    if "category" not in fields:
        fields["category"] = make_category()
    if fields["status"] == Article.Status.PUBLISHED:  # as Article.clean() asks of a published guide
        fields.setdefault("author", make_author())
        fields.setdefault("reviewed_by", make_reviewer())
        fields.setdefault("last_reviewed", timezone.localdate() - timedelta(days=7))
    return Article.objects.create(**fields)


SOURCED_BODY = (
    "## Why\n\nA [link](/guides/) and a claim with a source[^first] and two[^first][^second].\n\n"
    "## When to worry\n\n::: see-a-doctor\n- A sign\n- Another sign\n\nSee a doctor.\n:::\n\n> A quote.\n"
)


def make_sourced_article(**overrides) -> Article:
    """A published guide with what readers check: a "when to see a doctor" callout and two cited sources
    (one on the web, one a journal paper with a DOI and a PubMed ID)."""
    article = make_article(**{"body": SOURCED_BODY} | overrides)
    make_reference(article, key="first", url="https://example.org/fatigue", accessed=timezone.localdate())
    make_reference(article, key="second", authors="Placeholder A", publisher="Placeholder Journal", year=2020,
                   doi="10.1000/placeholder", pmid="12345678")  # fmt: skip
    article.refresh_from_db()
    return article


def make_reference(article: Article, **overrides) -> Reference:
    number = next(_sequence)
    fields = {"key": f"source-{number}", "title": f"Placeholder source {number}", "order": number} | overrides
    return Reference.objects.create(article=article, **fields)


def make_faq(article: Article, **overrides) -> FAQ:
    number = next(_sequence)
    fields = {"question": f"Question {number}?", "answer": f"Answer {number}.", "order": number} | overrides
    return FAQ.objects.create(article=article, **fields)


def make_page(**overrides) -> EditorialPage:
    """An editorial page, shown in the footer."""
    number = next(_sequence)
    fields = {
        "title": f"Page {number}",
        "slug": f"page-{number}",
        "summary": f"Summary of page {number}.",
        "body": "## A section\n\nSome text.\n",
        "footer_order": number,
    } | overrides
    return EditorialPage.objects.create(**fields)


def png(width: int, height: int, mode: str = "RGB", name: str = "photo.png") -> SimpleUploadedFile:
    """An upload of a plain PNG image."""
    buffer = io.BytesIO()
    Image.new(mode, (width, height), "white" if mode == "RGB" else 1).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def make_coupon(**overrides) -> Coupon:
    """A coupon for 10% off, from now on, without limits."""
    fields = {"code": f"TEST{next(_sequence)}", "kind": Coupon.Kind.PERCENT, "amount": Decimal("10")} | overrides
    return Coupon.objects.create(**fields)


def make_product_category(**overrides) -> ProductCategory:
    number = next(_sequence)
    fields = {"name": f"Shelf {number}", "slug": f"shelf-{number}"} | overrides
    return ProductCategory.objects.create(**fields)


def make_product(**overrides) -> Product:
    number = next(_sequence)
    fields = {
        "name": f"Product {number}",
        "slug": f"product-{number}",
        "sku": f"SKU-{number}",
        "short_description": f"Short description {number}.",
        "price": Decimal("10.00"),
        "stock": 50,
    } | overrides
    return Product.objects.create(**fields)


def make_facts(product: Product, **overrides) -> SupplementFacts:
    fields = {"serving_size": "2 capsules", "servings_per_container": 30} | overrides
    return SupplementFacts.objects.create(product=product, **fields)


def make_ingredient(product: Product, **overrides) -> Ingredient:
    number = next(_sequence)
    fields = {
        "name": f"Nutrient {number}",
        "amount": Decimal("100"),
        "unit": Ingredient.Unit.MG,
        "daily_value": Decimal("25"),
        "order": number,
    } | overrides
    return Ingredient.objects.create(product=product, **fields)


def make_supplement(demo_values: bool = False, **overrides) -> Product:
    """A supplement with Supplement Facts and two ingredients, the second with no established daily value."""
    product = make_product(kind=Product.Kind.SUPPLEMENT, **overrides)
    label = {"other_ingredients": "Rice flour.", "allergens": "None known.", "warnings": "Keep away from children."}
    make_facts(product, demo_values=demo_values, **label)
    make_ingredient(product, name="Magnesium", amount=Decimal("200"), daily_value=Decimal("48"))
    make_ingredient(product, name="Glycine", amount=Decimal("1.5"), unit=Ingredient.Unit.G, daily_value=None)
    return product


# Delivery details for checkout tests: a placeholder person.
CUSTOMER = {
    "name": "Sam Placeholder",
    "email": "sam@example.com",
    "phone": "",
    "address": "1 Demo Street",
    "postcode": "AB1 2DE",
    "city": "Demo City",
    "country": "GB",
    "notes": "",
}


def make_bank_transfer(**overrides) -> PaymentMethod:
    fields = {
        "kind": "bank_transfer",
        "name": "Bank transfer",
        "position": 1,
        "account_holder": "Placeholder Shop Ltd",
        "bank_name": "Placeholder Bank",
        "account_number": "GB33 BUKB 2020 1555 5555 55",
        "bank_code": "BUKBGB22",
    } | overrides
    return PaymentMethod.objects.create(**fields)


def make_cash_on_delivery(**overrides) -> PaymentMethod:
    fields = {"kind": "cash_on_delivery", "name": "Cash on delivery", "position": 2, "countries": "GB, IE"} | overrides
    return PaymentMethod.objects.create(**fields)


def checkout_fields(page) -> dict:
    """What the checkout page (a test client's response) sends besides the delivery details: its token, the
    total the visitor saw and the payment method chosen by default."""
    initial = page.context["form"].initial
    method = page.context["payment_form"]["payment_method"].initial
    return {"token": initial["token"], "expected_total": str(initial["expected_total"]), "payment_method": str(method)}


def place_order_through_checkout(client, **overrides) -> Order:
    """Open the checkout as `client` and send it with CUSTOMER's details and the default payment method (a
    bank transfer, made here if no method is enabled); return the newest order."""
    if not PaymentMethod.objects.enabled().exists():
        make_bank_transfer()
    client.post("/checkout/", CUSTOMER | checkout_fields(client.get("/checkout/")) | overrides)
    return Order.objects.latest("created_at")
