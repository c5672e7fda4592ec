from django.contrib import admin

from articles.models import FAQ, Article, ArticleProduct, Author, Category


class FAQInline(admin.StackedInline):
    model = FAQ
    extra = 0
    fields = ["order", "question", "answer"]


class ArticleProductInline(admin.TabularInline):
    model = ArticleProduct
    extra = 0
    autocomplete_fields = ["product"]
    fields = ["order", "product"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "published_at", "updated_at", "category"]
    list_filter = ["status", "category"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    list_select_related = ["category"]
    inlines = [FAQInline, ArticleProductInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "credentials"]
    search_fields = ["name"]
