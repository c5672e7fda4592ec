"""The cart's own rows: a visitor's cart lines (keyed by the session) and the coupon codes a cart may carry.
The products they point at are the catalogue's (catalogue/models.py)."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from catalogue.models import MONEY_VALIDATORS, Product
from core.money import format_money
from core.validators import one_line


class CartLine(models.Model):
    """One product in one visitor's cart. The quantity is changed by single atomic statements."""

    cart_key = models.CharField(max_length=64, db_index=True, validators=[one_line])
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, related_name="+")
    product_name = models.CharField(
        max_length=150, help_text="The name when last seen, to report a removal.", validators=[one_line]
    )
    quantity = models.PositiveIntegerField()
    unit_price_seen = models.DecimalField(max_digits=10, decimal_places=2)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart_key", "product"], name="one_line_per_product"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="quantity_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"


CODE_FORMAT = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{2,39}$", "A code is 3 to 40 letters, digits, hyphens or underscores, e.g. SPRING10."
)


def normalise_code(text: str) -> str:
    """A code as shoppers may type it ("  spring10 ") as it is stored ("SPRING10")."""
    return text.strip().upper()


class Coupon(models.Model):
    """A discount code. Uses are counted when an order is placed, under a lock (orders/placing.py)."""

    class Kind(models.TextChoices):
        PERCENT = "percent", "Percentage of the subtotal"
        FIXED = "fixed", "Fixed amount off the subtotal"

    code = models.CharField(
        max_length=40, unique=True, validators=[one_line, CODE_FORMAT], help_text="Shoppers type it in any case."
    )
    description = models.CharField(
        max_length=200, blank=True, help_text="For staff: what the code is for.", validators=[one_line]
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.PERCENT)
    amount = models.DecimalField(
        max_digits=8, decimal_places=2, validators=MONEY_VALIDATORS, help_text="A percentage (e.g. 10) or an amount."
    )
    minimum_subtotal = models.DecimalField(
        max_digits=10, decimal_places=2, default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0.00"))]
    )
    starts_at = models.DateTimeField(null=True, blank=True, help_text="Empty: from now on.")
    ends_at = models.DateTimeField(null=True, blank=True, help_text="Empty: no end.")
    usage_limit = models.PositiveIntegerField(null=True, blank=True, help_text="Orders in all. Empty: no limit.")
    per_email_limit = models.PositiveIntegerField(
        "limit per email", null=True, blank=True, help_text="Orders per customer email. Empty: no limit."
    )
    times_used = models.PositiveIntegerField(default=0, editable=False)
    is_active = models.BooleanField("active", default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs) -> None:
        self.code = normalise_code(self.code)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.code = normalise_code(self.code)
        errors = {}
        if self.kind == self.Kind.PERCENT and self.amount is not None and self.amount > 100:
            errors["amount"] = "A percentage is at most 100."
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The end must come after the start."
        if errors:
            raise ValidationError(errors)

    def closed(self) -> str:
        """Why no one may use this code now (switched off, not started, ended, used up), in words for a
        shopper who applied it while it was open; "" if it is open. A code typed anew is never told
        apart this way (Cart.apply_coupon): that would say which codes exist."""
        now = timezone.now()
        if not self.is_active:
            return f"The code {self.code} is not valid any more."
        if self.starts_at and now < self.starts_at:
            return f"The code {self.code} can be used from {timezone.localtime(self.starts_at):%-d %B %Y}."
        if self.ends_at and now >= self.ends_at:
            return f"The code {self.code} expired on {timezone.localtime(self.ends_at):%-d %B %Y}."
        if self.usage_limit is not None and self.times_used >= self.usage_limit:
            return f"The code {self.code} has been used up."
        return ""

    def refusal(self, subtotal: Decimal) -> str:
        """Why this code cannot be used now on a cart of `subtotal`, in words for the shopper; "" if it can."""
        if closed := self.closed():
            return closed
        if subtotal < self.minimum_subtotal:
            short = format_money(self.minimum_subtotal - subtotal)
            return f"The code {self.code} needs a subtotal of {format_money(self.minimum_subtotal)}: add {short} more."
        return ""

    def discount_on(self, subtotal: Decimal) -> Decimal:
        """What the code takes off `subtotal`: never more than the subtotal."""
        if self.kind == self.Kind.PERCENT:
            off = (subtotal * self.amount / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        else:
            off = self.amount
        return min(off, subtotal)
