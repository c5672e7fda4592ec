import secrets
from decimal import Decimal

from django.core.validators import URLValidator
from django.db import models
from django.utils import timezone

from catalogue.models import Product
from core.ratelimits import mailbox
from core.validators import multi_line, one_line
from orders import addresses

NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read out on the phone


def new_order_number() -> str:
    code = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))
    return f"{code[:4]}-{code[4:]}"


class PaymentMethodQuerySet(models.QuerySet):
    def enabled(self) -> "PaymentMethodQuerySet":
        return self.filter(enabled=True)


class PaymentMethod(models.Model):
    """A way to pay that shop managers offer at checkout; its kind (orders/payment.py) says how it works."""

    kind = models.CharField(
        max_length=30, help_text="How it works; cannot be changed once saved.", validators=[one_line]
    )
    name = models.CharField(
        max_length=80, help_text='What shoppers choose at checkout, e.g. "Bank transfer".', validators=[one_line]
    )
    enabled = models.BooleanField(default=True, help_text="Offered at checkout.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Lower comes first; the first is the default.")
    countries = models.CharField(
        max_length=300,
        blank=True,
        help_text="Two-letter codes of the countries it is offered for, separated by commas (GB, IE). "
        "Empty: every country.",
        validators=[one_line],
    )
    # Bank transfer
    account_holder = models.CharField(max_length=120, blank=True, validators=[one_line])
    bank_name = models.CharField("bank", max_length=120, blank=True, validators=[one_line])
    account_number = models.CharField("IBAN or account number", max_length=50, blank=True, validators=[one_line])
    bank_code = models.CharField("sort code or BIC", max_length=20, blank=True, validators=[one_line])
    instructions = models.TextField(
        blank=True, help_text="Shown to the shopper after ordering and in the email.", validators=[multi_line]
    )

    objects = PaymentMethodQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def country_codes(self) -> list[str]:
        return [code.strip().upper() for code in self.countries.split(",") if code.strip()]

    def offered_in(self, country: str) -> bool:
        return not self.country_codes or country in self.country_codes


class Order(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"  # nothing to pay before it ships (cash on delivery)
        AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        CANCELLED = "cancelled", "Cancelled"

    # Which status may follow which; anything else is refused. An order awaiting payment ships once paid.
    NEXT_STATUSES = {
        Status.NEW: {Status.PAID, Status.SHIPPED, Status.CANCELLED},
        Status.AWAITING_PAYMENT: {Status.PAID, Status.CANCELLED},
        Status.PAID: {Status.SHIPPED, Status.CANCELLED},
        Status.SHIPPED: set(),
        Status.CANCELLED: set(),
    }

    number = models.CharField(max_length=9, unique=True, default=new_order_number, editable=False)
    idempotency_key = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=20, choices=Status, default=Status.NEW)
    name = models.CharField(max_length=120, validators=[one_line])
    email = models.EmailField(validators=[one_line])
    # The mailbox the email reaches, as limits count it (core/ratelimits.py): a coupon's uses
    # per customer are counted by it, with an index, however the address was spelled.
    mailbox = models.CharField(max_length=254, editable=False, db_index=True)
    phone = models.CharField(max_length=40, blank=True, validators=[one_line])
    address = models.CharField("address line 1", max_length=250, validators=[one_line])
    address_line2 = models.CharField("address line 2", max_length=250, blank=True, validators=[one_line])
    # What the country uses: some have no postcode (AE), no city (JP) or no region (GB). orders.addresses knows.
    postcode = models.CharField(max_length=12, blank=True, validators=[one_line])
    city = models.CharField(max_length=100, blank=True, validators=[one_line])
    region = models.CharField("state or region", max_length=100, blank=True, validators=[one_line])
    country = models.CharField(max_length=2, validators=[one_line])
    notes = models.TextField(blank=True, validators=[multi_line])
    subtotal = models.DecimalField(max_digits=10, decimal_places=2)
    coupon_code = models.CharField(max_length=40, blank=True, editable=False)
    discount = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"), editable=False)
    shipping = models.DecimalField(max_digits=10, decimal_places=2)
    total = models.DecimalField(max_digits=10, decimal_places=2)
    stock_restored = models.BooleanField(default=False, editable=False)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)  # the customer's email
    shop_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)  # and the shop's
    # Deleting a method that orders used is refused: switch it off instead.
    payment_method = models.ForeignKey(
        PaymentMethod, on_delete=models.PROTECT, null=True, blank=True, related_name="orders", editable=False
    )
    tracking_number = models.CharField(
        max_length=60, blank=True, help_text="Emailed to the customer when shipped.", validators=[one_line]
    )
    tracking_url = models.URLField(
        "tracking link",
        blank=True,
        validators=[one_line, URLValidator(schemes=["http", "https"])],
        help_text="The carrier's page for this parcel (http or https), emailed to the customer when shipped.",
    )
    # The end of the day by which an order awaiting payment must be paid, set when it is placed (so a later
    # change of UNPAID_ORDER_HOLD_DAYS moves no promised date); None when nothing is paid before it ships.
    pay_by = models.DateTimeField("pay by", null=True, blank=True, editable=False)
    # Who holds the order's stock while it is not paid (orders/holds.py): keyed digests of the cart's key, the
    # folded email and the client's network, never the values; emptied once the order is paid, shipped or
    # cancelled.
    held_by_session = models.CharField(max_length=32, blank=True, editable=False)
    held_by_email = models.CharField(max_length=32, blank=True, editable=False)
    held_by_network = models.CharField(max_length=32, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What holds stock that nobody has paid for: cash on delivery until it ships, a bank transfer until paid.
    HOLDING_STATUSES = [Status.NEW, Status.AWAITING_PAYMENT]

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            *(
                models.Index(
                    fields=[field], condition=models.Q(status__in=["new", "awaiting_payment"]), name=f"order_{field}"
                )
                for field in ["held_by_session", "held_by_email", "held_by_network"]
            ),
            models.Index(fields=["pay_by"], condition=models.Q(status="awaiting_payment"), name="order_pay_by"),
        ]

    def __str__(self) -> str:
        return f"Order {self.number}"

    def save(self, *args, **kwargs) -> None:
        self.mailbox = mailbox(self.email)
        if (fields := kwargs.get("update_fields")) is not None and "email" in fields:
            kwargs["update_fields"] = {*fields, "mailbox"}
        super().save(*args, **kwargs)

    @property
    def emails_sent(self) -> bool:
        return self.confirmation_sent_at is not None and self.shop_notice_sent_at is not None

    @property
    def formatted_address(self) -> str:
        """The name and address as the country's post writes them, on lines."""
        return addresses.format_address(
            name=self.name, **{field: getattr(self, field) for field in addresses.ADDRESS_FIELDS}
        )

    def can_become(self, status: str) -> bool:
        return status == self.status or status in self.NEXT_STATUSES[self.Status(self.status)]


class OrderLine(models.Model):
    """A product as it was sold: name, SKU and price are copied, so later edits change nothing here."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.SET_NULL, null=True, related_name="+")
    product_name = models.CharField(max_length=150, validators=[one_line])
    sku = models.CharField("SKU", max_length=40, validators=[one_line])
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    regular_price = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True, help_text="The price before the sale, if on sale."
    )
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"

    @property
    def on_sale(self) -> bool:
        return self.regular_price is not None and self.regular_price > self.unit_price

    @property
    def total(self) -> Decimal:
        return self.unit_price * self.quantity


class OrderEvent(models.Model):
    """A step in an order's life, with when it happened: the order page and the admin list them."""

    class Kind(models.TextChoices):
        PLACED = "placed", "Placed"
        AWAITING_PAYMENT = "awaiting_payment", "Awaiting payment"
        PAID = "paid", "Paid"
        SHIPPED = "shipped", "Shipped"
        CANCELLED = "cancelled", "Cancelled"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind)
    created_at = models.DateTimeField(default=timezone.now)
    email_sent_at = models.DateTimeField(null=True, blank=True)  # the customer's email about it, if one is sent

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.created_at:%Y-%m-%d %H:%M}"
