"""The catalogue: products, the shelves they are filed on, and a supplement's label (Supplement Facts
and ingredients). The tables keep the names they had in the cart app, where these models began
(catalogue/migrations/0001_initial.py)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse

from catalogue import claims
from core import images, search
from core.validators import multi_line, one_line

MONEY_VALIDATORS = [MinValueValidator(Decimal("0.01"))]


PRODUCT_SEARCH = search.Searchable(
    weights={"name": "A", "short_description": "B", "description": "C"}, quoted=("short_description", "description")
)


class ProductCategoryQuerySet(models.QuerySet):
    def with_active_products(self) -> "ProductCategoryQuerySet":
        """Categories the shop has something to show in: their pages, the shop's filter and the sitemap."""
        return self.filter(pk__in=Product.objects.active().values("category"))


class ProductCategory(models.Model):
    """A shelf of the shop (Supplements, Recovery equipment), with its own page at /shop/category/<slug>/."""

    name = models.CharField(max_length=100, unique=True, validators=[one_line])
    slug = models.SlugField(max_length=100, unique=True, validators=[one_line])
    description = models.TextField(
        blank=True, help_text="A sentence or two: the category's page shows it.", validators=[multi_line]
    )
    order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first in the shop's categories.")

    objects = ProductCategoryQuerySet.as_manager()

    class Meta:
        db_table = "cart_productcategory"
        ordering = ["order", "name"]
        verbose_name = "product category"
        verbose_name_plural = "product categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("shop:category", kwargs={"slug": self.slug})


class ProductQuerySet(models.QuerySet):
    def active(self) -> "ProductQuerySet":
        return self.filter(is_active=True)

    def featured(self) -> "ProductQuerySet":
        return self.filter(featured=True)

    def related_to(self, product: "Product") -> "ProductQuerySet":
        """Other products in `product`'s category; none when it has no category."""
        if product.category_id is None:
            return self.none()
        return self.filter(category_id=product.category_id).exclude(pk=product.pk)

    def listed(self) -> "ProductQuerySet":
        """Without the columns a list of products never shows: the long description and the search vector."""
        return self.defer("description", "search_vector")

    def search(self, query: str) -> "ProductQuerySet":
        """The products that match `query`, best first (core/search.py)."""
        return PRODUCT_SEARCH.search(self, query)

    def update_search(self) -> None:
        """Store each product's search vector: after a bulk change that Product.save() does not see."""
        PRODUCT_SEARCH.update_vectors(self)

    def with_facts(self) -> "ProductQuerySet":
        """With Supplement Facts and ingredients, in two queries however many ingredients there are."""
        return self.select_related("facts").prefetch_related("ingredients")


class Product(models.Model):
    class Kind(models.TextChoices):
        SUPPLEMENT = "supplement", "Supplement"
        EQUIPMENT = "equipment", "Equipment"
        OTHER = "other", "Other"

    name = models.CharField(max_length=150, validators=[one_line])
    slug = models.SlugField(max_length=150, unique=True, validators=[one_line])
    sku = models.CharField("SKU", max_length=40, unique=True, validators=[one_line])
    short_description = models.CharField(max_length=250, validators=[one_line])
    description = models.TextField(blank=True, validators=[multi_line])
    category = models.ForeignKey(
        ProductCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="products",
        help_text="Where the shop files it. Without one, it is listed in the shop but on no category page.",
    )
    featured = models.BooleanField(default=False, help_text="Feature on the home page (the first four, by name).")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.OTHER,
        help_text="Only supplements carry Supplement Facts and the supplement disclaimer.",
    )
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=MONEY_VALIDATORS)
    sale_price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=MONEY_VALIDATORS,
        null=True,
        blank=True,
        help_text="Leave empty when not on sale.",
    )
    stock = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField("active", default=True, help_text="Inactive products are hidden from the shop.")
    image = models.ImageField(
        upload_to="products/",
        blank=True,
        validators=[images.validate_image],
        width_field="image_width",
        height_field="image_height",
    )
    image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    image_alt = models.CharField("image alt text", max_length=200, blank=True, validators=[one_line])
    renditions = models.JSONField(default=list, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    search_vector = SearchVectorField(null=True, editable=False)  # PostgreSQL only (core/search.py)

    objects = ProductQuerySet.as_manager()

    class Meta:
        db_table = "cart_product"
        ordering = ["name"]
        indexes = [search.VectorIndex(fields=["search_vector"], name="product_search_vector")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sale_price__isnull=True) | models.Q(sale_price__lt=models.F("price")),
                name="sale_price_below_price",
                violation_error_message="The sale price must be lower than the price.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # A new upload is stored re-encoded and resized, and gets its renditions.
        fresh_upload = images.is_new_upload(self.image)
        with images.kept_tidy(self, "image", kwargs.get("update_fields")):
            super().save(*args, **kwargs)
            if fresh_upload and self.image.name:
                self.renditions = images.make_renditions(self.image.name)
                super().save(update_fields=["renditions"])
            elif not self.image and self.renditions:
                self.renditions = []
                super().save(update_fields=["renditions"])
        Product.objects.filter(pk=self.pk).update_search()

    def get_absolute_url(self) -> str:
        return reverse("shop:product", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors = claims.errors_for(self, ["name", "short_description", "description"])
        if self.image and not self.image_alt.strip():
            errors["image_alt"] = "Describe the image for people who cannot see it."
        if errors:
            raise ValidationError(errors)

    @property
    def is_supplement(self) -> bool:
        return self.kind == self.Kind.SUPPLEMENT

    @property
    def supplement_facts(self) -> "SupplementFacts | None":
        """The facts the page shows: a supplement's, once staff have entered them."""
        return getattr(self, "facts", None) if self.is_supplement else None

    @property
    def daily_value_footnote(self) -> bool:
        """Whether the label needs the footnote: an ingredient with no established daily value."""
        return any(ingredient.daily_value is None for ingredient in self.ingredients.all())

    @property
    def current_price(self) -> Decimal:
        return self.sale_price if self.sale_price is not None else self.price

    @property
    def on_sale(self) -> bool:
        return self.sale_price is not None

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    @property
    def max_order_quantity(self) -> int:
        """How many one cart may hold: the stock, within the shop's per-line limit."""
        return min(self.stock, settings.CART_MAX_QUANTITY)

    @property
    def srcset(self) -> str:
        return ", ".join(f"{default_storage.url(r['name'])} {r['width']}w" for r in self.renditions)


@receiver(post_delete, sender=Product)
def _delete_image_with_product(sender, instance: Product, **kwargs) -> None:
    # A signal, not delete(): the admin's "delete selected" deletes a queryset.
    images.delete_on_commit(Product, "image", instance.image.name, (r["name"] for r in instance.renditions))


def refuse_unless_supplement(row: models.Model) -> None:
    """Refuse Supplement Facts or an ingredient whose product is not a supplement."""
    product = getattr(row, "product", None)  # None until a form has set it
    if product is not None and not product.is_supplement:
        raise ValidationError("Only supplements carry Supplement Facts. Set the kind to Supplement, or remove them.")


class SupplementFacts(models.Model):
    """What a supplement's label says about a serving, beside its ingredients (Ingredient)."""

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="facts")
    serving_size = models.CharField(
        max_length=60, help_text="As on the label, e.g. “2 capsules”.", validators=[one_line]
    )
    servings_per_container = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    other_ingredients = models.TextField(
        blank=True, help_text="E.g. the capsule shell, fillers.", validators=[multi_line]
    )
    allergens = models.TextField(blank=True, validators=[multi_line])
    warnings = models.TextField(blank=True, validators=[multi_line])
    demo_values = models.BooleanField(
        default=False,
        help_text="The label says “Demo values, not a real product\u2019s label”. Untick once the values are real.",
    )

    class Meta:
        db_table = "cart_supplementfacts"
        verbose_name = "Supplement Facts"
        verbose_name_plural = "Supplement Facts"

    def __str__(self) -> str:
        return f"Supplement Facts of {self.product}"

    def clean(self) -> None:
        refuse_unless_supplement(self)


class Ingredient(models.Model):
    """One row of a supplement's facts: an amount per serving, and its % Daily Value if one is established."""

    class Unit(models.TextChoices):
        G = "g", "g"
        MG = "mg", "mg"
        MCG = "mcg", "mcg"
        MCG_DFE = "mcg DFE", "mcg DFE"
        MCG_RAE = "mcg RAE", "mcg RAE"
        IU = "IU", "IU"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="ingredients")
    name = models.CharField(
        max_length=150, help_text="E.g. “Magnesium (as magnesium glycinate)”.", validators=[one_line]
    )
    amount = models.DecimalField(max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0"))])
    unit = models.CharField(max_length=10, choices=Unit.choices)
    daily_value = models.DecimalField(
        "% Daily Value",
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Leave empty when no daily value is established: the label shows † and a footnote.",
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "cart_ingredient"
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.name} {self.amount_shown}"

    @property
    def amount_shown(self) -> str:
        """The amount as a label prints it: "200 mg", "2.5 g" (no trailing zeros)."""
        return f"{self.amount.normalize():f} {self.unit}"

    def clean(self) -> None:
        refuse_unless_supplement(self)
