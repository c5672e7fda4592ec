from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.defaultfilters import linebreaksbr

from orders.models import Order, OrderLine

LINE_FIELDS = ("product_name", "sku", "unit_price", "quantity", "total")


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = LINE_FIELDS
    readonly_fields = LINE_FIELDS

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OrderAdminForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = ["status"]

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        before = Order(status=self.initial.get("status", Order.Status.NEW))
        if not before.can_become(status):
            was, wanted = before.get_status_display().lower(), Order.Status(status).label.lower()
            raise ValidationError(f"An order that is {was} cannot become {wanted}.")
        return status


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    form = OrderAdminForm
    list_display = ["number", "created_at", "name", "total", "status", "emails_sent"]
    list_filter = ["status", ("emails_sent_at", admin.EmptyFieldListFilter), "created_at"]
    search_fields = ["number", "name", "email"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline]
    actions = ["mark_paid", "mark_shipped", "cancel_orders"]
    readonly_fields = [
        "number", "created_at", "subtotal", "coupon_code", "discount", "shipping", "total", "confirmation_sent_at",
        "emails_sent_at",
        "stock_restored",
        "name", "email", "phone", "delivery_address", "notes",
        "address", "address_line2", "city", "region", "postcode", "country",
    ]  # fmt: skip
    fields = ["number", "status", "created_at", *readonly_fields[3:]]

    @admin.display(description="Delivery address")
    def delivery_address(self, order: Order) -> str:
        return linebreaksbr(order.formatted_address, autoescape=True)

    @admin.display(boolean=True, description="Emails sent", ordering="emails_sent_at")
    def emails_sent(self, order: Order) -> bool:
        return order.emails_sent_at is not None

    def has_add_permission(self, request) -> bool:
        return False  # orders come from the checkout

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # cancel instead: that restores the stock

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data and obj.status == Order.Status.CANCELLED:
            obj.cancel()
        else:
            super().save_model(request, obj, form, change)

    def _move(self, request, queryset, status: str) -> None:
        moved = 0
        for order in queryset:
            if order.status == status or not order.can_become(status):
                continue
            if status == Order.Status.CANCELLED:
                order.cancel()
            else:
                order.status = status
                order.save(update_fields=["status", "updated_at"])
            moved += 1
        skipped = queryset.count() - moved
        self.message_user(request, f"{moved} order(s) now {Order.Status(status).label.lower()}.")
        if skipped:
            self.message_user(request, f"{skipped} order(s) could not move to that status.", messages.WARNING)

    @admin.action(description="Mark as paid")
    def mark_paid(self, request, queryset):
        self._move(request, queryset, Order.Status.PAID)

    @admin.action(description="Mark as shipped")
    def mark_shipped(self, request, queryset):
        self._move(request, queryset, Order.Status.SHIPPED)

    @admin.action(description="Cancel (puts the stock back)")
    def cancel_orders(self, request, queryset):
        self._move(request, queryset, Order.Status.CANCELLED)
