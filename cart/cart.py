"""The visitor's cart: one class over the session.

The session holds only the cart's key (and, after "Remove All Items", product ids and
quantities for Undo). Lines live in the CartLine table and every change is one atomic
statement, so a double click or two tabs never lose an update. Names, prices and stock
always come from the database.
"""

import hashlib
import re
import time
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

from django.conf import settings
from django.db import connection
from django.utils import timezone

from cart.models import CartLine, Coupon, normalise_code
from catalogue.models import Product
from core import session_keys, versions
from core.money import format_money

SESSION_KEY, UNDO_KEY, COUPON_KEY = session_keys.CART, session_keys.CART_UNDO, session_keys.COUPON
KEY_PATTERN = re.compile(r"[0-9a-f]{64}")
UNUSABLE_CODE = "That code cannot be used. Check it and try again."


def version_key(key: str) -> str:
    return f"cart:version:{key}"


def version(key: str) -> str | None:
    """A token that changes whenever the cart's lines do (None when the cache cannot be reached)."""
    return versions.current(version_key(key), settings.PAGE_CACHE_SECONDS)


def _lines_changed(key: str) -> None:
    """Move the cart's version, now and when the transaction commits (kept mini carts, cart/mini_cart.py).
    Every write to cart lines comes through Cart (or Cart.delete_lines), which calls this."""
    versions.now_and_on_commit(lambda: versions.renew(version_key(key), settings.PAGE_CACHE_SECONDS))


class CartError(Exception):
    """A change the cart refuses; the message is for the visitor."""


@dataclass
class Line:
    product: Product
    quantity: int
    notice: str = ""

    @property
    def unit_price(self) -> Decimal:
        return self.product.current_price

    @property
    def total(self) -> Decimal:
        return self.product.current_price * self.quantity


@dataclass
class Notice:
    """What changed on a line since the visitor last saw it."""

    product_id: int | None
    text: str
    removed: bool = False


def shipping_for(subtotal: Decimal) -> Decimal:
    """A flat fee, free from the configured subtotal on."""
    return Decimal("0.00") if subtotal >= settings.FREE_SHIPPING_FROM else settings.SHIPPING_FEE


class Cart:
    def __init__(self, session) -> None:
        self.session = session
        self.notices: list[Notice] = []

    # Identity ---------------------------------------------------------------

    def _key(self, create: bool = False) -> str | None:
        value = self.session.get(SESSION_KEY)
        if isinstance(value, str) and KEY_PATTERN.fullmatch(value):
            return value
        if value is not None:  # malformed: start clean
            del self.session[SESSION_KEY]
        if not create:
            return None
        if self.session.session_key is None:
            self.session.save()
        # Derived from the session key, so two first requests of one session agree on it,
        # and it survives a later change of session key because it is stored.
        key = hashlib.sha256(self.session.session_key.encode()).hexdigest()
        self.session[SESSION_KEY] = key
        return key

    @property
    def key(self) -> str | None:
        """The cart's identifier, or None while the visitor has no cart."""
        return self._key()

    def _rows(self):
        return CartLine.objects.filter(cart_key=self._key())

    def _changed(self, rows: int = 1) -> None:
        """After a write that touched `rows` lines: read them afresh, and move the cart's version if any changed."""
        self.__dict__.pop("lines", None)
        if rows and (key := self._key()) is not None:
            _lines_changed(key)

    @staticmethod
    def delete_lines(lines) -> None:
        """Delete these CartLine rows (a queryset, from any carts: the admin's deletions)."""
        keys = set(lines.values_list("cart_key", flat=True))
        lines.delete()
        for key in keys:
            _lines_changed(key)

    # Reads ------------------------------------------------------------------

    @cached_property
    def lines(self) -> list[Line]:
        """Lines whose product can still be sold, in the order they were added. No query without a cart."""
        if self._key() is None:
            return []
        rows = self._rows().select_related("product")
        notices = {notice.product_id: notice.text for notice in self.notices if not notice.removed}
        return [
            Line(row.product, row.quantity, notices.get(row.product_id, ""))
            for row in rows
            if row.product and row.product.is_active
        ]

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal("0.00"))

    @property
    def shipping(self) -> Decimal:
        return shipping_for(self.subtotal) if self.lines else Decimal("0.00")

    @cached_property
    def coupon(self) -> Coupon | None:
        """The coupon the visitor applied, as it is now (no query without one)."""
        code = self.session.get(COUPON_KEY)
        return Coupon.objects.filter(code=code).first() if isinstance(code, str) and code else None

    @property
    def discount(self) -> Decimal:
        """What the applied coupon takes off the subtotal: nothing while it cannot be used."""
        coupon = self.coupon
        if coupon is None or not self.lines or coupon.refusal(self.subtotal):
            return Decimal("0.00")
        return coupon.discount_on(self.subtotal)

    @property
    def total(self) -> Decimal:
        """Subtotal less the discount, plus shipping (which the subtotal before the discount decides)."""
        return self.subtotal - self.discount + self.shipping

    @property
    def free_shipping_remaining(self) -> Decimal:
        """How much more to spend for free shipping (0 when it is free already)."""
        return max(Decimal("0.00"), settings.FREE_SHIPPING_FROM - self.subtotal)

    @property
    def is_empty(self) -> bool:
        return not self.lines

    def __len__(self) -> int:
        return len(self.lines)

    def quantity_of(self, product: Product) -> int:
        return next((line.quantity for line in self.lines if line.product.pk == product.pk), 0)

    # Placing an order (orders/placing.py, inside its transaction) ----------------

    def lock_lines(self) -> list[CartLine]:
        """The cart's rows, locked until the transaction ends, in a fixed order (so that two
        submits of one cart queue up rather than deadlock)."""
        if self._key() is None:
            return []
        return list(self._rows().select_for_update().order_by("pk"))

    def remove_ordered(self, lines: list[CartLine]) -> None:
        """Remove the lines an order was just made of."""
        deleted, _ = CartLine.objects.filter(pk__in=[line.pk for line in lines]).delete()
        self._changed(rows=deleted)

    # Coupons ----------------------------------------------------------------

    def apply_coupon(self, text: str) -> Coupon:
        """Apply the code the visitor typed, or say why not (CartError)."""
        coupon = Coupon.objects.filter(code=normalise_code(text)).first()
        # Missing, switched off, not started, ended or used up: one answer, or tries would tell which codes
        # exist. Only an open code's minimum subtotal is explained: that is this cart's own condition.
        if coupon is None or coupon.closed():
            raise CartError(UNUSABLE_CODE)
        if refusal := coupon.refusal(self.subtotal):
            raise CartError(refusal)
        self.session[COUPON_KEY] = coupon.code
        self.__dict__.pop("coupon", None)
        return coupon

    def remove_coupon(self) -> None:
        self.session.pop(COUPON_KEY, None)
        self.__dict__.pop("coupon", None)

    # Writes -----------------------------------------------------------------

    def add(self, product: Product, quantity: int) -> int:
        """Add `quantity` of `product`; return the quantity now in the cart."""
        self._check_sellable(product, quantity)
        limit = product.max_order_quantity
        if quantity > limit:
            raise CartError(f"Only {limit} of {product.name} can be ordered; choose {limit} or fewer.")
        key = self._key(create=True)
        table, quantity_column = CartLine._meta.db_table, CartLine._meta.get_field("quantity").column
        # One statement on SQLite and PostgreSQL alike: insert, or add to the existing line,
        # but only while the result stays within the limit. No row back means it would not.
        sql = f"""
            INSERT INTO {table} (cart_key, product_id, product_name, quantity, unit_price_seen, added_at)
            VALUES (%s, %s, %s, %s, %s, %s)
            ON CONFLICT (cart_key, product_id) DO UPDATE
                SET {quantity_column} = {table}.{quantity_column} + excluded.{quantity_column},
                    product_name = excluded.product_name
                WHERE {table}.{quantity_column} + excluded.{quantity_column} <= %s
            RETURNING {quantity_column}
        """  # noqa: S608 (names come from the model, values are parameters)
        with connection.cursor() as cursor:
            price = connection.ops.adapt_decimalfield_value(product.current_price, 10, 2)
            now = connection.ops.adapt_datetimefield_value(timezone.now())
            cursor.execute(sql, [key, product.pk, product.name, quantity, price, now, limit])
            row = cursor.fetchone()
        self._changed(rows=0 if row is None else 1)
        if row is None:
            raise CartError(
                f"You can have at most {limit} of {product.name} in your cart; "
                f"it has {self.quantity_of(product)} already."
            )
        return row[0]

    def set_quantity(self, product: Product, quantity: int) -> None:
        self._check_sellable(product, quantity)
        limit = product.max_order_quantity
        if quantity > limit:
            raise CartError(f"Only {limit} of {product.name} can be ordered; choose {limit} or fewer.")
        updated = self._rows().filter(product=product).update(quantity=quantity, unit_price_seen=product.current_price)
        self._changed(rows=updated)
        if not updated:
            raise CartError(f"{product.name} is not in your cart.")

    def remove(self, product: Product) -> None:
        deleted, _ = self._rows().filter(product=product).delete()
        self._changed(rows=deleted)

    def clear(self) -> None:
        """Empty the cart, keeping what was in it for a while so that it can be undone."""
        if self._key() is None:
            return
        kept = list(self._rows().exclude(product=None).values_list("product_id", "quantity"))
        deleted, _ = self._rows().delete()
        self._changed(rows=deleted)
        if kept:
            self.session[UNDO_KEY] = {"until": int(time.time()) + settings.CART_UNDO_SECONDS, "lines": kept}

    @property
    def can_undo(self) -> bool:
        undo = self.session.get(UNDO_KEY)
        return isinstance(undo, dict) and isinstance(undo.get("until"), int) and undo["until"] > time.time()

    def undo_clear(self) -> list[str]:
        """Put back what `clear` removed, as far as stock allows; return what could not be put back."""
        undo = self.session.pop(UNDO_KEY, None)
        if not isinstance(undo, dict) or not isinstance(undo.get("until"), int) or undo["until"] <= time.time():
            raise CartError("There is nothing to undo any more.")
        wanted = {}
        for item in undo.get("lines", []):
            if isinstance(item, list | tuple) and len(item) == 2 and all(type(n) is int and n > 0 for n in item):
                wanted[item[0]] = item[1]
        problems = []
        for product in Product.objects.filter(pk__in=wanted):
            try:
                self.add(product, max(1, min(wanted[product.pk], product.max_order_quantity)))
            except CartError as error:
                problems.append(f"{product.name} could not be put back: {error}")
        return problems

    def reconcile(self) -> list[Notice]:
        """Bring the lines in line with the shop: drop what cannot be sold, lower to stock, note new prices."""
        self.notices = []
        if self._key() is None:
            return self.notices
        for row in self._rows().select_related("product"):
            product = row.product
            if product is None or not product.is_active or product.stock == 0:
                reason = "is out of stock" if product and product.is_active else "is no longer available"
                text = f"{row.product_name} {reason} and was removed from your cart."
                self.notices.append(Notice(row.product_id, text, removed=True))
                row.delete()
                continue
            changes, texts = {}, []
            if row.quantity > product.max_order_quantity:
                changes["quantity"] = product.max_order_quantity
                texts.append(
                    f"only {changes['quantity']} can be ordered now, so we lowered your quantity from {row.quantity}."
                )
            if row.unit_price_seen != product.current_price:
                changes["unit_price_seen"] = product.current_price
                old, new = format_money(row.unit_price_seen), format_money(product.current_price)
                texts.append(f"the price changed from {old} to {new}.")
            if changes:
                CartLine.objects.filter(pk=row.pk).update(**changes)
                self.notices.append(Notice(product.pk, f"{product.name}: {' '.join(texts)}"))
        self._changed(rows=len(self.notices))
        if COUPON_KEY in self.session:
            self._reconcile_coupon()
        return self.notices

    def _reconcile_coupon(self) -> None:
        """Drop an applied code that cannot be used any more, saying why."""
        code, coupon = self.session[COUPON_KEY], self.coupon
        refusal = coupon.refusal(self.subtotal) if coupon else f"The code {code} is no longer offered."
        if refusal and self.lines:
            self.remove_coupon()
            self.notices.append(Notice(None, f"{refusal} We took it off your cart.", removed=True))

    @staticmethod
    def _check_sellable(product: Product, quantity: int) -> None:
        if not product.is_active:
            raise CartError(f"{product.name} is no longer available.")
        if product.stock == 0:
            raise CartError(f"{product.name} is out of stock.")
        if not 1 <= quantity <= settings.CART_MAX_QUANTITY:
            raise CartError(f"Choose a quantity from 1 to {settings.CART_MAX_QUANTITY}.")


def get_cart(request) -> Cart:
    """The request's one Cart, shared by the view and the mini cart in the header."""
    if not hasattr(request, "_cart"):
        request._cart = Cart(request.session)
    return request._cart
