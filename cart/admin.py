from django.contrib import admin

from cart.cart import Cart
from cart.models import CartLine, Coupon


@admin.register(CartLine)
class CartLineAdmin(admin.ModelAdmin):
    list_display = ["product_name", "quantity", "unit_price_seen", "added_at"]
    readonly_fields = ["cart_key", "product", "product_name", "quantity", "unit_price_seen", "added_at"]

    def has_add_permission(self, request) -> bool:
        return False

    # Through the Cart, so that the visitor's mini cart, wherever it is kept, is replaced (cart/mini_cart.py).
    def delete_model(self, request, line: CartLine) -> None:
        Cart.delete_lines(CartLine.objects.filter(pk=line.pk))

    def delete_queryset(self, request, queryset) -> None:
        Cart.delete_lines(queryset)


@admin.register(Coupon)
class CouponAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "amount", "minimum_subtotal", "starts_at", "ends_at", "uses", "is_active"]
    list_filter = ["is_active", "kind"]
    search_fields = ["code", "description"]
    readonly_fields = ["times_used"]
    fields = [
        "code", "description", "kind", "amount", "minimum_subtotal", "starts_at", "ends_at",
        "usage_limit", "per_email_limit", "times_used", "is_active",
    ]  # fmt: skip

    @admin.display(description="uses", ordering="times_used")
    def uses(self, coupon: Coupon) -> str:
        return (
            f"{coupon.times_used} of {coupon.usage_limit}" if coupon.usage_limit is not None else str(coupon.times_used)
        )
