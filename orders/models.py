import secrets
from decimal import Decimal

from babel import Locale
from django.db import models, transaction
from django.db.models import F

from cart.models import Product
from fatigue_site import pages
from orders import addresses

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read out on the phone


def new_order_number() -> str:
    code = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


class Order(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        CANCELLED = "cancelled", "Cancelled"

    # Which status may follow which; anything else is refused.
    NEXT_STATUSES = {
        Status.NEW: {Status.PAID, Status.CANCELLED},
        Status.PAID: {Status.SHIPPED, Status.CANCELLED},
        Status.SHIPPED: set(),
        Status.CANCELLED: set(),
    }

    number = models.CharField(max_length=9, unique=True, default=new_order_number, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.NEW)
    name = models.CharField(max_length=120)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    address = models.CharField("address line 1", max_length=250)
    address_line2 = models.CharField("address line 2", max_length=250, blank=True)
    # What the country uses: some have no postcode (AE), no city (JP) or no region (GB). orders.addresses knows.
    postcode = models.CharField(max_length=12, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField("state or region", max_length=100, blank=True)
    country = models.CharField(max_length=2)
    notes = models.TextField(blank=True)
    subtotal = models.DecimalField(max_digits=10, decimal_places=2)
    coupon_code = models.CharField(max_length=40, blank=True, editable=False)
    discount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"), editable=False)
    shipping = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    stock_restored = models.BooleanField(default=False, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)  # the customer's email
    emails_sent_at = models.DateTimeField(null=True, blank=True, editable=False)  # and the shop's: both sent
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Order {self.number}"

    @property
    def country_name(self) -> str:
        return Locale("en").territories.get(self.country, self.country)

    @property
    def formatted_address(self) -> str:
        """The name and address as the country's post writes them, on lines."""
        return addresses.format_address(
            name=self.name, **{field: getattr(self, field) for field in addresses.ADDRESS_FIELDS}
        )

    def can_become(self, status: str) -> bool:
        return status == self.status or status in self.NEXT_STATUSES[self.Status(self.status)]

    def cancel(self) -> None:
        """Cancel the order and put its stock back, once, however often this is called."""
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=self.pk)
            if not order.stock_restored:
                for line in order.lines.all():
                    if line.product_id is not None:  # None: the product was deleted since
                        Product.objects.filter(pk=line.product_id).update(stock=F("stock") + line.quantity)
                pages.content_changed()
                order.stock_restored = True
            order.status = Order.Status.CANCELLED
            order.save(update_fields=["status", "stock_restored", "updated_at"])
        self.status, self.stock_restored = order.status, order.stock_restored


class OrderLine(models.Model):
    """A product as it was sold: name, SKU and price are copied, so later edits change nothing here."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, related_name="+")
    product_name = models.CharField(max_length=150)
    sku = models.CharField("SKU", max_length=40)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity
