from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.defaultfilters import linebreaksbr

from orders import payment, status
from orders.addresses import COUNTRY_CHOICES
from orders.models import Order, OrderEvent, OrderLine, PaymentMethod

LINE_FIELDS = ("product_name", "sku", "unit_price", "regular_price", "quantity", "total")
COUNTRY_CODES = {code for code, _ in COUNTRY_CHOICES}


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = LINE_FIELDS
    readonly_fields = LINE_FIELDS


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    verbose_name_plural = "history"
    fields = readonly_fields = ("kind", "created_at", "email_sent_at")


class OrderAdminForm(forms.ModelForm):
    class Meta:
        model = Order
        fields = ["status", "tracking_number", "tracking_url"]

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
    list_display = ["number", "created_at", "name", "total", "payment_method", "status", "pay_by", "emails_sent"]
    list_filter = [
        "status",
        "payment_method",
        ("confirmation_sent_at", admin.EmptyFieldListFilter),
        ("shop_notice_sent_at", admin.EmptyFieldListFilter),
        "created_at",
    ]
    list_select_related = ["payment_method"]
    search_fields = ["number", "name", "email"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderEventInline]
    actions = ["mark_paid", "mark_shipped", "cancel_orders"]
    readonly_fields = [
        "number", "created_at", "payment_method", "pay_by", "subtotal", "coupon_code", "discount", "shipping", "total",
        "confirmation_sent_at", "shop_notice_sent_at", "stock_restored",
        "name", "email", "phone", "delivery_address", "notes",
        "address", "address_line2", "city", "region", "postcode", "country",
    ]  # fmt: skip
    fields = ["number", "status", "tracking_number", "tracking_url", "created_at", *readonly_fields[2:]]

    @admin.display(description="Delivery address")
    def delivery_address(self, order: Order) -> str:
        return linebreaksbr(order.formatted_address, autoescape=True)

    @admin.display(boolean=True, description="Emails sent", ordering="shop_notice_sent_at")
    def emails_sent(self, order: Order) -> bool:
        return order.emails_sent

    def has_add_permission(self, request) -> bool:
        return False  # orders come from the checkout

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # cancel instead: that restores the stock

    def save_model(self, request, obj, form, change):
        if "status" not in form.changed_data:
            super().save_model(request, obj, form, change)  # the tracking details, edited on their own
            return
        moved = status.move(obj, obj.status, tracking_number=obj.tracking_number, tracking_url=obj.tracking_url)
        if not moved:  # someone moved it first (the list's actions, or a second tab)
            self.message_user(request, "The order's status changed meanwhile: check it again.", messages.WARNING)

    def _move(self, request, queryset, to: str) -> None:
        moved = sum(status.move(order, to) for order in queryset)
        skipped = queryset.count() - moved
        self.message_user(request, f"{moved} order(s) now {Order.Status(to).label.lower()}.")
        if skipped:
            self.message_user(request, f"{skipped} order(s) could not move to that status.", messages.WARNING)

    @admin.action(description="Mark as paid (emails the customer)")
    def mark_paid(self, request, queryset):
        self._move(request, queryset, Order.Status.PAID)

    @admin.action(description="Mark as shipped, without tracking (emails the customer)")
    def mark_shipped(self, request, queryset):
        self._move(request, queryset, Order.Status.SHIPPED)

    @admin.action(description="Cancel: puts the stock back (emails the customer)")
    def cancel_orders(self, request, queryset):
        self._move(request, queryset, Order.Status.CANCELLED)


class PaymentMethodAdminForm(forms.ModelForm):
    kind = forms.ChoiceField(choices=payment.kind_choices, help_text="How it works; cannot be changed once saved.")

    class Meta:
        model = PaymentMethod
        fields = [
            "kind", "name", "enabled", "position", "countries",
            "account_holder", "bank_name", "account_number", "bank_code", "instructions",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields.pop("kind", None)  # read-only once saved: orders were placed under it

    def clean_countries(self) -> str:
        codes = [code.strip().upper() for code in self.cleaned_data["countries"].split(",") if code.strip()]
        if unknown := [code for code in codes if code not in COUNTRY_CODES]:
            raise ValidationError(f"Not a two-letter country code: {', '.join(unknown)}.")
        return ", ".join(dict.fromkeys(codes))

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        kind = cleaned.get("kind") or self.instance.kind
        if provider := payment.PROVIDERS.get(kind):
            for name in provider.required_fields:
                if name in cleaned and not cleaned[name]:
                    self.add_error(name, f"A {provider.label.lower()} method needs this.")
        return cleaned


@admin.register(PaymentMethod)
class PaymentMethodAdmin(admin.ModelAdmin):
    form = PaymentMethodAdminForm
    list_display = ["name", "kind_label", "enabled", "countries", "position"]
    list_filter = ["enabled"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "enabled", "position", "countries"]}),
        ("Bank transfer", {"fields": ["account_holder", "bank_name", "account_number", "bank_code"]}),
        (None, {"fields": ["instructions"]}),
    ]

    @admin.display(description="Kind", ordering="kind")
    def kind_label(self, method: PaymentMethod) -> str:
        return dict(payment.kind_choices()).get(method.kind, method.kind)

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj else []
