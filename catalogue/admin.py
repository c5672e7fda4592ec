from django.contrib import admin
from django.utils.html import format_html

from catalogue.models import Ingredient, Product, ProductCategory, SupplementFacts


class InStockFilter(admin.SimpleListFilter):
    title = "stock"
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        return [("in", "In stock"), ("out", "Out of stock")]

    def queryset(self, request, queryset):
        if self.value() == "in":
            return queryset.filter(stock__gt=0)
        if self.value() == "out":
            return queryset.filter(stock=0)
        return queryset


class SupplementFactsInline(admin.StackedInline):
    model = SupplementFacts
    fields = ["serving_size", "servings_per_container", "other_ingredients", "allergens", "warnings", "demo_values"]


class IngredientInline(admin.TabularInline):
    model = Ingredient
    extra = 0
    fields = ["order", "name", "amount", "unit", "daily_value"]
    verbose_name_plural = "Supplement Facts: ingredients per serving"


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]

    def view_on_site(self, category: ProductCategory) -> str:
        return category.get_absolute_url()


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "thumbnail", "name", "sku", "category", "kind", "price", "sale_price", "stock", "is_active", "featured",
    ]  # fmt: skip
    list_display_links = ["thumbnail", "name"]
    list_editable = ["sale_price", "stock", "is_active", "featured"]
    list_filter = ["category", "kind", "is_active", "featured", InStockFilter]
    list_select_related = ["category"]
    inlines = [SupplementFactsInline, IngredientInline]
    search_fields = ["name", "sku"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["image_preview", "created_at", "updated_at"]

    @admin.display(description="")
    def thumbnail(self, product: Product) -> str:
        if not product.image:
            return "—"
        return format_html('<img src="{}" alt="" width="48" height="48" style="object-fit: cover">', product.image.url)

    @admin.display(description="Current image")
    def image_preview(self, product: Product) -> str:
        if not product.image:
            return "No image yet."
        return format_html('<img src="{}" alt="{}" width="240">', product.image.url, product.image_alt)
