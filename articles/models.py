import math

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Now
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from articles import markdown
from cart import images

WORDS_PER_MINUTE = 200


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:category", kwargs={"slug": self.slug})


class Author(models.Model):
    """A writer or medical reviewer named on guides."""

    name = models.CharField(max_length=120)
    credentials = models.CharField(
        max_length=200, blank=True, help_text="Shown after the name, e.g. a professional qualification."
    )
    bio = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class ArticleQuerySet(models.QuerySet):
    def published(self) -> "ArticleQuerySet":
        """Guides a visitor may see: published, with a publish time that has come."""
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=Now())

    def related_to(self, article: "Article") -> "ArticleQuerySet":
        return self.filter(category_id=article.category_id).exclude(pk=article.pk)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.CharField(max_length=160, help_text="One sentence; used as the page's meta description.")
    body = models.TextField(help_text="Markdown. Start sections with '## ' headings; they form the contents list.")
    body_html = models.TextField(editable=False, default="")
    toc = models.JSONField(editable=False, default=list)
    hero_image = models.ImageField(
        upload_to="articles/",
        blank=True,
        validators=[images.validate_image],
        width_field="hero_image_width",
        height_field="hero_image_height",
    )
    hero_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_alt = models.CharField("hero image alt text", max_length=200, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="articles")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reviewed_by = models.ForeignKey(
        Author, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="medical reviewer"
    )
    last_reviewed = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="May lie in the future: the guide appears from then on."
    )
    products = models.ManyToManyField(
        "cart.Product", through="ArticleProduct", blank=True, related_name="articles", verbose_name="products mentioned"
    )
    last_updated = models.DateTimeField(
        default=timezone.now, help_text="Shown to readers; a minor edit in the admin leaves it alone."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body_html", "toc", "updated_at"])

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "published_at"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        stored = self._stored_hero_image(kwargs.get("update_fields"))
        if images.is_new_upload(self.hero_image):  # stored re-encoded, like product images
            self.hero_image = images.normalise(self.hero_image)
        rendered = markdown.render(self.body)
        self.body_html, self.toc = rendered.html, rendered.toc
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)
        if stored != self.hero_image.name:  # replaced or cleared
            images.delete_on_commit(Article, "hero_image", stored)

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def _stored_hero_image(self, update_fields) -> str:
        """The hero image the row holds before a save that may change it ("" for none)."""
        if self._state.adding or (update_fields is not None and "hero_image" not in update_fields):
            return ""
        return Article.objects.filter(pk=self.pk).values_list("hero_image", flat=True).first() or ""

    def clean(self) -> None:
        errors = {}
        if self.hero_image and not self.hero_image_alt.strip():
            errors["hero_image_alt"] = "Describe the hero image for people who cannot see it."
        if self.status == self.Status.PUBLISHED:
            if self.author_id is None:
                errors["author"] = "A published guide needs an author."
            if self.reviewed_by_id is None:
                errors["reviewed_by"] = "A published guide needs a medical reviewer."
        if errors:
            raise ValidationError(errors)

    def record_slug_change(self, old_slug: str) -> None:
        """Keep `old_slug` working: it redirects here for good."""
        if old_slug and old_slug != self.slug:
            SlugRedirect.objects.update_or_create(old_slug=old_slug, defaults={"article": self})
            SlugRedirect.objects.filter(old_slug=self.slug).delete()

    def mentioned_products(self) -> list:
        """The products this guide mentions that the shop still sells, in the guide's order."""
        links = self.product_links.filter(product__is_active=True).select_related("product")
        return [link.product for link in links]

    def has_been_published(self) -> bool:
        """True if the guide is published or ever was (its history says so): readers may have linked to it."""
        return self.status == self.Status.PUBLISHED or self.history.filter(status=self.Status.PUBLISHED).exists()

    @property
    def reading_time(self) -> int:
        """Minutes to read the body at an unhurried pace."""
        return max(1, math.ceil(len(self.body.split()) / WORDS_PER_MINUTE))

    @property
    def is_scheduled(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.PUBLISHED and not self.is_scheduled


@receiver(post_delete, sender=Article)
def _delete_hero_image_with_article(sender, instance: Article, **kwargs) -> None:
    # A signal, not delete(): a queryset delete skips delete(). The history keeps the name, not the file.
    images.delete_on_commit(Article, "hero_image", instance.hero_image.name)


class FAQ(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(max_length=300)
    answer = models.TextField(help_text="Markdown.")
    answer_html = models.TextField(editable=False, default="")
    order = models.PositiveIntegerField(default=0)

    history = HistoricalRecords(excluded_fields=["answer_html"])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "FAQ"
        verbose_name_plural = "FAQs"

    def __str__(self) -> str:
        return self.question

    def save(self, *args, **kwargs) -> None:
        self.answer_html = markdown.render_html(self.answer)
        super().save(*args, **kwargs)


class ArticleProduct(models.Model):
    """A product a guide mentions, in the order the guide shows them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="product_links")
    product = models.ForeignKey("cart.Product", on_delete=models.CASCADE, related_name="+")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["article", "product"], name="product_mentioned_once")]
        verbose_name = "product mentioned"
        verbose_name_plural = "products mentioned"

    def __str__(self) -> str:
        return f"{self.product} in {self.article}"


class SlugRedirect(models.Model):
    """An old address of a guide whose slug changed after it was published."""

    old_slug = models.SlugField(max_length=200, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.article.slug}"
