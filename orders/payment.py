"""Where a payment provider plugs in: a small registry of the kinds of payment method.

Shop managers create payment methods (rows) in the admin; each has a kind, registered here, that says
how it works: its label, which fields a method of that kind needs, whether it is offered for an order's
country, what the shopper is told beside the choice, on the order page and in the emails, whether an
order waits for payment before it ships, and where the shopper goes after placing the order. A
provider that takes payment online would return its payment page from `next_step_url()` (a session
created with the order's number and total) and mark the order paid from a webhook view.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from core.money import format_money
from orders.addresses import country_name
from orders.models import Order, PaymentMethod


@dataclass(frozen=True)
class Instructions:
    """What the shopper is told about paying an order: a sentence and, when there are any, labelled details."""

    text: str
    details: list[tuple[str, str]] = field(default_factory=list)


class Provider:
    kind = ""
    label = ""
    required_fields: tuple[str, ...] = ()  # fields of PaymentMethod a method of this kind must fill in
    awaits_payment = False  # True: the order waits as "awaiting payment" until a shop manager marks it paid

    def is_available(self, method: PaymentMethod, country: str) -> bool:
        return method.enabled and method.offered_in(country)

    def summary(self, method: PaymentMethod) -> str:
        """One line beside the choice at checkout."""
        return ""

    def instructions(self, order: Order, method: PaymentMethod) -> Instructions | None:
        """What the order page and the emails say about paying, or None."""
        return None

    def next_step_url(self, order: Order) -> str:
        return reverse("orders:confirmation", kwargs={"number": order.number})


class BankTransfer(Provider):
    kind = "bank_transfer"
    label = "Direct bank transfer"
    required_fields = ("account_holder", "bank_name", "account_number")
    awaits_payment = True

    def summary(self, method: PaymentMethod) -> str:
        by = f", by {_day(due)}" if (due := pay_by(method)) else ""
        return f"Pay from your bank after ordering{by}: we show you the bank details and email them to you."

    def instructions(self, order: Order, method: PaymentMethod) -> Instructions | None:
        if order.status != Order.Status.AWAITING_PAYMENT:
            return None
        details = [
            ("Amount", format_money(order.total)),
            ("Payment reference", order.number),
            ("Account holder", method.account_holder),
            ("Bank", method.bank_name),
            ("IBAN or account number", method.account_number),
        ]
        if method.bank_code:
            details.append(("Sort code or BIC", method.bank_code))
        deadline = ""
        if order.pay_by:
            day = _day(order.pay_by)
            details.insert(1, ("Pay by", day))
            deadline = f" Please pay by {day}: after that the order is cancelled and its items go back on sale."
        text = (
            f"Please transfer {format_money(order.total)} to the account below with your order number "
            f"{order.number} as the payment reference. We ship your order once the payment arrives.{deadline}"
        )
        return Instructions(f"{text} {method.instructions}".strip(), details)


class CashOnDelivery(Provider):
    kind = "cash_on_delivery"
    label = "Cash on delivery"
    required_fields = ("countries",)

    def summary(self, method: PaymentMethod) -> str:
        places = ", ".join(sorted(country_name(code) for code in method.country_codes))
        return f"Pay in cash when your parcel arrives. For delivery to {places} only." if places else ""

    def instructions(self, order: Order, method: PaymentMethod) -> Instructions | None:
        if order.status != Order.Status.NEW:
            return None
        text = f"Please pay {format_money(order.total)} in cash to the courier when your parcel arrives."
        return Instructions(f"{text} {method.instructions}".strip())


PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> None:
    PROVIDERS[provider.kind] = provider


register(BankTransfer())
register(CashOnDelivery())


def kind_choices() -> list[tuple[str, str]]:
    return [(provider.kind, provider.label) for provider in PROVIDERS.values()]


def provider_for(method: PaymentMethod) -> Provider:
    return PROVIDERS.get(method.kind, Provider())  # a kind no longer registered: offers nothing special


def is_available(method: PaymentMethod, country: str) -> bool:
    return method.kind in PROVIDERS and PROVIDERS[method.kind].is_available(method, country)


def summary(method: PaymentMethod) -> str:
    return provider_for(method).summary(method)


def initial_status(method: PaymentMethod) -> str:
    return Order.Status.AWAITING_PAYMENT if provider_for(method).awaits_payment else Order.Status.NEW


def _day(moment: datetime) -> str:
    return date_format(timezone.localdate(moment), "j F Y")


def pay_by(method: PaymentMethod) -> datetime | None:
    """The end of the day, UNPAID_ORDER_HOLD_DAYS from today in the shop's time zone, by which an order placed
    now with `method` must be paid; None when nothing is paid before it ships."""
    if not provider_for(method).awaits_payment:
        return None
    day = timezone.localdate() + timedelta(days=settings.UNPAID_ORDER_HOLD_DAYS)
    return datetime.combine(day, time.max, tzinfo=timezone.get_current_timezone())


def instructions(order: Order) -> Instructions | None:
    method = order.payment_method
    return None if method is None else provider_for(method).instructions(order, method)


def next_step_url(order: Order) -> str:
    method = order.payment_method
    return (provider_for(method) if method else Provider()).next_step_url(order)
