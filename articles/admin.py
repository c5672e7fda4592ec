from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from articles import markdown
from articles.models import FAQ, Article, ArticleProduct, Author, Category, EditorialPage, Reference


def renumber(rows) -> None:
    """Give ordered rows the orders 1, 2, 3... (cosmetic, so no history entry)."""
    for number, row in enumerate(rows, start=1):
        if row.order != number:
            type(row).objects.filter(pk=row.pk).update(order=number)


class ReviewDueFilter(admin.SimpleListFilter):
    title = "medical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("due", f"Due (published, reviewed {settings.REVIEW_PERIOD_DAYS} or more days ago, or never)")]

    def queryset(self, request, queryset):
        if self.value() == "due":
            return queryset.review_due()
        return queryset


# Room to write: the guides' and the editorial pages' text fields.
WRITING_WIDGETS = {
    "title": forms.TextInput(attrs={"size": 80}),
    "summary": forms.TextInput(attrs={"size": 100, "maxlength": 160}),
    "body": forms.Textarea(attrs={"rows": 30, "cols": 100}),
}


class ArticleAdminForm(forms.ModelForm):
    minor_edit = forms.BooleanField(
        required=False, help_text="A typo fix: keep the “Last updated” date readers see as it is."
    )

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 (the admin picks the fields from its fieldsets)
        widgets = WRITING_WIDGETS


class FAQInline(admin.StackedInline):
    model = FAQ
    extra = 0
    fields = ["order", "question", "answer"]


def kept(formset: forms.BaseInlineFormSet, field: str) -> list:
    """The values of `field` in the inline's rows that stay after the save (filled in, not deleted)."""
    return [
        form.cleaned_data[field]
        for form in formset.forms
        if form.cleaned_data.get(field) and not form.cleaned_data.get("DELETE")
    ]


class ReferenceFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        """Every [^key] the body cites must be one of the sources kept here."""
        super().clean()
        missing = markdown.render(self.instance.body, dict.fromkeys(kept(self, "key"), 0)).missing
        if missing:
            cited = ", ".join(f"[^{key}]" for key in missing)
            raise ValidationError(f"The body cites {cited}, but no source below has that key: add it or fix the body.")


class ProductLinkFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        """Every product: link in the body must go to a product listed here (its pick is its target)."""
        super().clean()
        slugs = {product.slug for product in kept(self, "product")}
        unknown = markdown.render(self.instance.body, products=slugs).unknown_products
        if unknown:
            links = ", ".join(f"product:{slug}" for slug in unknown)
            raise ValidationError(f"The body links {links}, but that product is not among those mentioned below.")


class ReferenceInline(admin.StackedInline):
    model = Reference
    formset = ReferenceFormSet
    extra = 0
    fields = ["order", "key", "authors", "title", "publisher", "year", "url", "doi", "pmid", "accessed", "link_check"]
    readonly_fields = ["link_check"]
    verbose_name = "source"

    @admin.display(description="link check")
    def link_check(self, reference: Reference) -> str:
        if reference.checked_at is None:
            return "Not checked yet (manage.py check_references)."
        checked = timezone.localtime(reference.checked_at).strftime("%Y-%m-%d %H:%M")
        return f"{'Broken' if reference.is_broken else 'OK'}: {reference.check_outcome}, {checked}"


class ArticleProductInline(admin.TabularInline):
    model = ArticleProduct
    formset = ProductLinkFormSet
    extra = 0
    autocomplete_fields = ["product"]
    fields = ["order", "product"]


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    form = ArticleAdminForm
    list_display = ["title", "status_label", "publish_time", "last_updated", "reviewed_by", "last_reviewed", "featured"]
    list_filter = ["status", "category", "featured", ReviewDueFilter]
    list_select_related = ["reviewed_by"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    autocomplete_fields = ["author", "reviewed_by"]
    readonly_fields = ["preview", "last_updated", "created_at"]
    inlines = [FAQInline, ReferenceInline, ArticleProductInline]
    actions = ["publish", "unpublish"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "category", "body", "preview"]}),
        ("Hero image", {"fields": ["hero_image", "hero_image_alt"], "classes": ["collapse"]}),
        ("People and review", {"fields": ["author", "reviewed_by", "last_reviewed"]}),
        ("Publishing", {"fields": ["status", "published_at", "featured", "minor_edit", "last_updated", "created_at"]}),
    ]

    @admin.display(description="status", ordering="status")
    def status_label(self, article: Article) -> str:
        return "Scheduled" if article.is_scheduled else article.get_status_display()

    @admin.display(description=f"publish time ({settings.TIME_ZONE})", ordering="published_at")
    def publish_time(self, article: Article) -> str:
        if article.published_at is None:
            return "—"
        return timezone.localtime(article.published_at).strftime("%Y-%m-%d %H:%M %Z")

    @admin.display(description="preview")
    def preview(self, article: Article) -> str:
        if not article.pk:
            return "Save the guide to preview it."
        url = reverse("articles:preview", kwargs={"slug": article.slug})
        return format_html('<a href="{}" target="_blank">Preview this guide as visitors will see it</a>', url)

    def view_on_site(self, article: Article) -> str | None:
        return article.get_absolute_url() if article.is_live else None

    def has_delete_permission(self, request, obj=None) -> bool:
        # Editors delete drafts that never went out; a guide readers may have seen is unpublished
        # instead (it stays, with its history), and only a superuser can delete it.
        if obj is not None and not request.user.is_superuser and obj.has_been_published():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # Featuring a guide on the home page changes nothing readers read in it.
        if not form.cleaned_data.get("minor_edit") and set(form.changed_data) != {"featured"}:
            obj.last_updated = timezone.now()
        super().save_model(request, obj, form, change)
        if change and "slug" in form.changed_data and form.initial.get("status") == Article.Status.PUBLISHED:
            obj.record_slug_change(form.initial["slug"])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        renumber(form.instance.faqs.all())
        renumber(form.instance.references.all())
        renumber(form.instance.product_links.all())

    @admin.action(description="Publish the selected guides now")
    def publish(self, request, queryset):
        published, refused = 0, []
        for article in queryset.exclude(status=Article.Status.PUBLISHED).select_related("reviewed_by"):
            if problems := article.publication_problems():
                refused.append(f"{article.title} ({' '.join(problems.values())})")
                continue
            article.status = Article.Status.PUBLISHED
            article.published_at = article.published_at or timezone.now()
            article.last_updated = timezone.now()
            article.save()
            published += 1
        self.message_user(request, f"Published {published} guide(s).")
        if refused:
            self.message_user(request, f"Not published: {'; '.join(refused)}", messages.WARNING)

    @admin.action(description="Unpublish the selected guides (back to draft)")
    def unpublish(self, request, queryset):
        count = 0
        for article in queryset.filter(status=Article.Status.PUBLISHED):
            article.status = Article.Status.DRAFT
            article.save()
            count += 1
        self.message_user(request, f"Unpublished {count} guide(s).")


@admin.register(FAQ)
class FAQAdmin(SimpleHistoryAdmin):
    list_display = ["question", "article", "order"]
    search_fields = ["question", "answer"]
    list_select_related = ["article"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "credentials"]
    search_fields = ["name", "credentials"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "role", "credentials", "bio", "photo", "photo_alt"]

    def view_on_site(self, person: Author) -> str:
        return person.get_absolute_url()


@admin.register(EditorialPage)
class EditorialPageAdmin(SimpleHistoryAdmin):
    list_display = ["title", "slug", "show_in_footer", "footer_order", "updated_at"]
    list_filter = ["show_in_footer"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated_at"]
    fields = ["title", "slug", "summary", "body", "show_in_footer", "footer_order", "updated_at"]

    def get_form(self, request, obj=None, **kwargs):
        return super().get_form(request, obj, widgets=WRITING_WIDGETS, **kwargs)

    def view_on_site(self, page: EditorialPage) -> str:
        return page.get_absolute_url()


class BrokenFilter(admin.SimpleListFilter):
    title = "link check"
    parameter_name = "link"

    def lookups(self, request, model_admin):
        return [("broken", "Broken at the last check")]

    def queryset(self, request, queryset):
        return queryset.broken() if self.value() == "broken" else queryset


@admin.register(Reference)
class ReferenceAdmin(SimpleHistoryAdmin):
    """Sources are edited on their guide; this list finds the broken ones across all guides."""

    list_display = ["title", "article", "url", "check_status", "check_error", "checked_at"]
    list_filter = [BrokenFilter]
    list_select_related = ["article"]
    search_fields = ["title", "url", "doi", "pmid"]
    readonly_fields = ["article", "checked_at", "check_status", "check_error"]
    fields = [
        "article", "order", "key", "authors", "title", "publisher", "year", "url", "doi", "pmid", "accessed",
        "checked_at", "check_status", "check_error",
    ]  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False
