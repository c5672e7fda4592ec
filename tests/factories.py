"""Small factory functions: sensible defaults, every field overridable."""

import io
import itertools
from dataclasses import dataclass
from datetime import date, timedelta
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


@dataclass
class Catalogue:
    guide: Article  # featured, sourced, with a hero image, FAQs and the products below
    magnesium: Product  # featured, with an image: what the suite-wide tests put in the cart
    supplement: Product  # with Supplement Facts (demo values) and ingredients
    products: list[Product]
    bank_transfer: PaymentMethod
    cash_on_delivery: PaymentMethod


def make_catalogue() -> Catalogue:
    """Some of everything the pages and the admin show, for the suite-wide tests (fuzz, HTML validity, admin
    round trip): each variant once, and the variants a form must keep first in each table (the admin
    round trip saves the first three objects of each model)."""
    recovery = make_category(name="Recovery", description="Rest and recovery.")
    author = make_author(credentials="Placeholder credentials", photo=png(64, 64), photo_alt="A face")
    reviewer = make_reviewer()
    # Line breaks (the admin sends CRLF back) and an ampersand (escaped in the page) in one description.
    supplements = make_product_category(name="Supplements", description="Capsules\n& powders.", order=2)
    equipment = make_product_category(name="Equipment")
    make_product_category(name="Empty shelf")
    magnesium = make_product(name="Magnesium", image=png(64, 64), image_alt="A jar", description="One.\n\nTwo.",
                             category=supplements, featured=True)  # fmt: skip
    supplement = make_supplement(
        name="Electrolytes", demo_values=True, sale_price=Decimal("8.00"), category=supplements
    )
    make_product(name="Retired", stock=0, is_active=False)
    products = [
        magnesium,
        supplement,
        make_product(name="Roller", price=Decimal("12.00"), sale_price=Decimal("8.00"), kind=Product.Kind.EQUIPMENT,
                     category=equipment),
        make_supplement(name="Sold out", stock=0, category=supplements),
    ]  # fmt: skip
    make_coupon(code="SPRING10", minimum_subtotal=Decimal("20.00"), usage_limit=100, per_email_limit=1,
                starts_at=timezone.now(), ends_at=timezone.now() + timedelta(days=30))  # fmt: skip
    make_coupon(code="FIVE-OFF", kind=Coupon.Kind.FIXED, amount=Decimal("5.00"), is_active=False)

    guide = make_sourced_article(
        category=recovery,
        author=author,
        reviewed_by=reviewer,
        last_reviewed=date(2026, 3, 2),
        hero_image=png(64, 64),
        hero_image_alt="A runner",
        featured=True,
    )
    make_faq(guide, answer="Magnesium may help.")  # the guide is found by a search for magnesium
    make_faq(guide, answer="Two\nlines")
    for product in products:
        guide.product_links.create(product=product)
    # The second guide's writer has no photo and no credentials, its reviewer wrote the first (a person page
    # with both roles), and its body has no headings and CRLF line breaks, as a browser sends.
    make_article(category=recovery, author=make_author(), reviewed_by=author, hero_image=png(64, 64),
                 hero_image_alt="A path", body="Plain text, no headings.\r\n\r\n* a list\r\n")  # fmt: skip
    make_article(status=Article.Status.DRAFT, published_at=None)  # in a category of its own, with nothing public

    make_page(slug="about", title="About", body="## Who\r\n\r\nPlain text.\r\n")  # in every page's footer
    make_page(slug="editorial-policy", title="Editorial policy", body=SOURCED_BODY)
    make_page(slug="terms", show_in_footer=False, footer_order=0)
    # A bank transfer (the default), cash on delivery, and one switched off.
    bank_transfer, cash_on_delivery = make_bank_transfer(instructions="Two\nlines"), make_cash_on_delivery()
    make_bank_transfer(name="Old account", enabled=False, bank_code="")
    return Catalogue(guide, magnesium, supplement, products, bank_transfer, cash_on_delivery)
