import datetime
import math
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Now
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from articles import markdown
from core import images, search
from core.validators import multi_line, one_line

WORDS_PER_MINUTE = 200


def published_q(prefix: str = "") -> Q:
    """The condition a guide must meet for visitors to see it (Article.objects.published()), on the guide
    reached through `prefix` ("articles__" from a category)."""
    return Q(**{f"{prefix}status": Article.Status.PUBLISHED, f"{prefix}published_at__lte": Now()})


class CategoryQuerySet(models.QuerySet):
    def with_published_guides(self) -> "CategoryQuerySet":
        # EXISTS, not a join with DISTINCT: each category stops at its first guide (the category_id index).
        return self.filter(Exists(Article.objects.published().filter(category=OuterRef("pk"))))

    def with_guide_counts(self) -> "CategoryQuerySet":
        """Categories with published guides, each with their number as `guide_count`, in one query."""
        counted = self.annotate(guide_count=Count("articles", filter=published_q("articles__")))
        return counted.filter(guide_count__gt=0).order_by("name")  # Meta.ordering is dropped with a GROUP BY


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True, validators=[one_line])
    slug = models.SlugField(max_length=100, unique=True, validators=[one_line])
    description = models.TextField(blank=True, validators=[multi_line])

    objects = CategoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("articles:category", kwargs={"slug": self.slug})


def review_due_date(last_reviewed: datetime.date | None) -> datetime.date | None:
    """When a guide reviewed on `last_reviewed` is due for its next review (REVIEW_PERIOD_DAYS later)."""
    if last_reviewed is None:
        return None
    return last_reviewed + datetime.timedelta(days=settings.REVIEW_PERIOD_DAYS)


def later_of(updated: datetime.datetime, reviewed: datetime.date | None) -> datetime.datetime:
    """The later of a guide's last update and its last review (taken as the start of that day)."""
    if reviewed is None:
        return updated
    return max(updated, timezone.make_aware(datetime.datetime.combine(reviewed, datetime.time.min)))


class AuthorQuerySet(models.QuerySet):
    def with_published_guides(self) -> "AuthorQuerySet":
        """People who wrote or reviewed a published guide: their pages list it."""
        published = Article.objects.published()
        wrote = Exists(published.filter(author=OuterRef("pk")))
        reviewed = Exists(published.filter(reviewed_by=OuterRef("pk")))
        return self.filter(wrote | reviewed)


class Author(models.Model):
    """A person named on guides: a writer, a medical reviewer, or both. Each has a page."""

    name = models.CharField(max_length=120, validators=[one_line])
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The end of their page's address: /people/this-part/.",
        validators=[one_line],
    )
    role = models.CharField(
        max_length=120, blank=True, help_text="e.g. Health writer, Medical reviewer.", validators=[one_line]
    )
    credentials = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown after the name, e.g. a professional qualification. A medical reviewer needs them.",
        validators=[one_line],
    )
    bio = models.TextField(
        blank=True,
        help_text="A few sentences: their background and what they write or review.",
        validators=[multi_line],
    )
    photo = models.ImageField(
        upload_to="people/",
        blank=True,
        validators=[images.validate_image],
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    photo_alt = models.CharField("photo alt text", max_length=200, blank=True, validators=[one_line])

    objects = AuthorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "person"
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name}, {self.credentials}" if self.credentials else self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = self._free_slug()
        with images.kept_tidy(self, "photo", kwargs.get("update_fields")):
            super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("person", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.photo and not self.photo_alt.strip():
            raise ValidationError({"photo_alt": "Describe the photo for people who cannot see it."})

    def _free_slug(self) -> str:
        base = slugify(self.name)[:100] or "person"
        slug, number = base, 1
        while Author.objects.filter(slug=slug).exists():
            number += 1
            slug = f"{base}-{number}"
        return slug


@receiver(post_delete, sender=Author)
def _delete_photo_with_person(sender, instance: Author, **kwargs) -> None:
    images.delete_on_commit(Author, "photo", instance.photo.name)


LIST_DEFERRED = ("body_html", "toc", "cited", "search_text", "search_vector")
ARTICLE_SEARCH = search.Searchable(
    weights={"title": "A", "summary": "B", "search_text": "C"}, quoted=("summary", "search_text")
)


def guide_search_text(body_html: str, faqs: Iterable[tuple[str, str]]) -> str:
    """A guide's body and its FAQs, (question, answer HTML), as the plain text search matches and quotes."""
    return search.plain_text(" ".join([body_html, *(f"{question} {answer}" for question, answer in faqs)]))


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self) -> "ArticleQuerySet":
        """Guides a visitor may see: published, with a publish time that has come."""
        return self.filter(published_q())

    def featured_first(self) -> "ArticleQuerySet":
        """Guides featured on the home page first, then the newest."""
        return self.order_by("-featured", "-published_at", "-pk")

    def by(self, person: "Author") -> "ArticleQuerySet":
        """Guides `person` wrote or medically reviewed."""
        return self.filter(Q(author=person) | Q(reviewed_by=person))

    def listed(self) -> "ArticleQuerySet":
        """Without the columns only a guide's own page or search read: its rendered body, contents,
        citations and search text and vector. The body stays, for the reading time on a card."""
        return self.defer(*LIST_DEFERRED)

    def related_to(self, article: "Article") -> "ArticleQuerySet":
        return self.filter(category_id=article.category_id).exclude(pk=article.pk)

    def review_due(self, within_days: int = 0) -> "ArticleQuerySet":
        """Published guides (scheduled ones too) never reviewed, or whose next review (see review_due_date)
        falls on or before `within_days` days from today."""
        cutoff = timezone.localdate() + datetime.timedelta(days=within_days - settings.REVIEW_PERIOD_DAYS)
        due = Q(last_reviewed__isnull=True) | Q(last_reviewed__lte=cutoff)
        return self.filter(due, status=Article.Status.PUBLISHED)

    def search(self, query: str) -> "ArticleQuerySet":
        """The guides that match `query`, best first (core/search.py)."""
        return ARTICLE_SEARCH.search(self, query)

    def update_search(self) -> None:
        """Store each guide's text for search (its body and FAQs, plain) and its vector: after a change
        that Article.save() does not see, such as an FAQ's."""
        articles = list(self.only("pk", "body_html").prefetch_related("faqs"))
        for article in articles:
            article.search_text = article.searchable_text()
        Article.objects.bulk_update(articles, ["search_text"])
        ARTICLE_SEARCH.update_vectors(Article.objects.filter(pk__in=[article.pk for article in articles]))


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=200, validators=[one_line])
    slug = models.SlugField(max_length=200, unique=True, validators=[one_line])
    summary = models.CharField(
        max_length=160, help_text="One sentence; used as the page's meta description.", validators=[one_line]
    )
    body = models.TextField(
        help_text="Markdown. Start sections with '## ' headings; they form the contents list.", validators=[multi_line]
    )
    body_html = models.TextField(editable=False, default="")
    toc = models.JSONField(editable=False, default=list)
    cited = models.JSONField(editable=False, default=list)  # the keys of the sources the body cites
    hero_image = models.ImageField(
        upload_to="articles/",
        blank=True,
        validators=[images.validate_image],
        width_field="hero_image_width",
        height_field="hero_image_height",
    )
    hero_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_alt = models.CharField("hero image alt text", max_length=200, blank=True, validators=[one_line])
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
        "catalogue.Product",
        through="ArticleProduct",
        blank=True,
        related_name="articles",
        verbose_name="products mentioned",
    )
    last_updated = models.DateTimeField(
        default=timezone.now, help_text="Shown to readers; a minor edit in the admin leaves it alone."
    )
    featured = models.BooleanField(
        default=False, help_text="Feature on the home page: featured guides come first there, then the newest."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What search reads besides the title and summary: the body and the FAQs as plain text, and on
    # PostgreSQL the weighted vector of all three (core/search.py).
    search_text = models.TextField(editable=False, default="")
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["body_html", "toc", "cited", "updated_at", "search_text", "search_vector"]
    )

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "published_at"]),
            search.VectorIndex(fields=["search_vector"], name="article_search_vector"),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        rendered = self.render_body()
        self.body_html, self.toc, self.cited = rendered.html, rendered.toc, list(rendered.cited)
        self.search_text = self.searchable_text()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        with images.kept_tidy(self, "hero_image", kwargs.get("update_fields")):
            super().save(*args, **kwargs)
        ARTICLE_SEARCH.update_vectors(Article.objects.filter(pk=self.pk))

    def get_absolute_url(self) -> str:
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        errors = {}
        if self.hero_image and not self.hero_image_alt.strip():
            errors["hero_image_alt"] = "Describe the hero image for people who cannot see it."
        if self.last_reviewed and self.last_reviewed > timezone.localdate():
            errors["last_reviewed"] = "The review date cannot be in the future."
        if self.status == self.Status.PUBLISHED:
            errors = self.publication_problems() | errors
        if errors:
            raise ValidationError(errors)

    def publication_problems(self) -> dict[str, str]:
        """What stops this guide being published, by field: empty when it may be. The admin form, the
        publish action and the importer all ask this."""
        problems = {}
        if self.author_id is None:
            problems["author"] = "A published guide needs an author."
        if self.reviewed_by is None:
            problems["reviewed_by"] = "A published guide needs a medical reviewer."
        elif self.reviewed_by_id == self.author_id:
            problems["reviewed_by"] = "The medical reviewer must be someone other than the author."
        elif not self.reviewed_by.credentials.strip():
            problems["reviewed_by"] = "The medical reviewer needs credentials: add them on their person page."
        if self.last_reviewed is None:
            problems["last_reviewed"] = "Give the date of the medical review."
        return problems

    def citation_numbers(self) -> dict[str, int]:
        """The number each source is cited by in the body, {key: 1, ...}, in the order of the Sources list."""
        if self.pk is None:
            return {}
        keys = Reference.objects.filter(article_id=self.pk).values_list("key", flat=True)
        return {key: number for number, key in enumerate(keys, start=1)}

    def mentioned_slugs(self) -> set[str]:
        """The slugs of the products this guide mentions: its body may link each one's pick."""
        if self.pk is None:
            return set()
        return set(ArticleProduct.objects.filter(article_id=self.pk).values_list("product__slug", flat=True))

    def render_body(self) -> markdown.Rendered:
        return markdown.render(self.body, self.citation_numbers(), self.mentioned_slugs())

    def searchable_text(self) -> str:
        """The body and the FAQs (questions and answers) as plain text: what search matches besides the
        title and summary, and quotes."""
        faqs = self.faqs.all() if self.pk is not None else []
        return guide_search_text(self.body_html, ((faq.question, faq.answer_html) for faq in faqs))

    def render_body_again(self) -> None:
        """Render the body after its sources or products changed (their numbers and anchors are in the HTML)."""
        rendered = self.render_body()
        Article.objects.filter(pk=self.pk).update(body_html=rendered.html, toc=rendered.toc, cited=list(rendered.cited))

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
    def last_changed(self) -> datetime.datetime:
        """When the guide last changed for readers: its last update, or its last medical review if later."""
        return later_of(self.last_updated, self.last_reviewed)

    @property
    def next_review_due(self) -> datetime.date | None:
        return review_due_date(self.last_reviewed)

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
    question = models.CharField(max_length=300, validators=[one_line])
    answer = models.TextField(help_text="Markdown.", validators=[multi_line])
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


def deleted_with_its_guide(origin) -> bool:
    """Whether a post_delete's `origin` (the instance or queryset whose delete() began it) is guides:
    then the row goes with its guide, and nothing of that guide is left to re-render or re-index."""
    model = origin.model if isinstance(origin, models.QuerySet) else type(origin)
    return model is Article


@receiver(post_save, sender=FAQ)
@receiver(post_delete, sender=FAQ)
def _search_faqs_with_their_guide(sender, instance: FAQ, origin=None, **kwargs) -> None:
    # A signal, not save(): a queryset delete (the importer's, the admin's) skips delete().
    if not deleted_with_its_guide(origin):
        Article.objects.filter(pk=instance.article_id).update_search()


class ArticleProduct(models.Model):
    """A product a guide mentions, in the order the guide shows them."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="product_links")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")
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

    old_slug = models.SlugField(max_length=200, unique=True, validators=[one_line])
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.article.slug}"


DOI_FORMAT = RegexValidator(r"^10\.\d{4,9}/\S+$", "A DOI looks like 10.1000/xyz123 (without https://doi.org/).")
PMID_FORMAT = RegexValidator(r"^[1-9]\d{0,8}$", "A PubMed ID is a number of up to 9 digits, e.g. 31452104.")


class ReferenceQuerySet(models.QuerySet):
    def broken(self) -> "ReferenceQuerySet":
        """References whose URL failed its last check (an error, or an HTTP status of 400 or more)."""
        return self.exclude(url="").filter(Q(check_status__gte=400) | ~Q(check_error=""))


class Reference(models.Model):
    """A source a guide cites. The body cites it as [^key]; the page numbers it by its order."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    order = models.PositiveIntegerField(default=0)
    key = models.SlugField(
        max_length=40, help_text="Cite it in the body as [^key], e.g. [^nhs-fatigue].", validators=[one_line]
    )
    authors = models.CharField(
        max_length=300, blank=True, help_text="e.g. Smith J, Jones K; or an organisation.", validators=[one_line]
    )
    title = models.CharField(max_length=400, validators=[one_line])
    publisher = models.CharField("publisher or journal", max_length=200, blank=True, validators=[one_line])
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    url = models.URLField("URL", max_length=500, blank=True, validators=[one_line])
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[one_line, DOI_FORMAT])
    pmid = models.CharField("PubMed ID", max_length=9, blank=True, validators=[one_line, PMID_FORMAT])
    accessed = models.DateField(null=True, blank=True, help_text="When the URL was last read.")
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    check_status = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True, editable=False)
    check_error = models.CharField(max_length=200, blank=True, editable=False)

    objects = ReferenceQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["checked_at", "check_status", "check_error"])

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["article", "key"], name="reference_key_once_per_guide")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        this_year = timezone.localdate().year
        if self.year is not None and not 1500 <= self.year <= this_year:
            errors["year"] = f"Give a year between 1500 and {this_year}."
        if self.accessed and self.accessed > timezone.localdate():
            errors["accessed"] = "The accessed date cannot be in the future."
        if errors:
            raise ValidationError(errors)

    @property
    def link(self) -> str:
        """Where a reader can read the source: its URL, else its DOI, else its PubMed page."""
        if self.url:
            return self.url
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return ""

    @property
    def is_broken(self) -> bool:
        return bool(self.url) and (bool(self.check_error) or (self.check_status or 0) >= 400)

    @property
    def check_outcome(self) -> str:
        """What the last link check found (once there was one): its error, else the HTTP status."""
        return self.check_error or f"HTTP {self.check_status}"


@receiver(post_save, sender=Reference)
@receiver(post_delete, sender=Reference)
@receiver(post_save, sender=ArticleProduct)
@receiver(post_delete, sender=ArticleProduct)
def _render_body_again(sender, instance: Reference | ArticleProduct, origin=None, **kwargs) -> None:
    if deleted_with_its_guide(origin):
        return
    article = Article.objects.filter(pk=instance.article_id).first()
    if article is not None:
        article.render_body_again()


class EditorialPageQuerySet(models.QuerySet):
    def in_footer(self) -> "EditorialPageQuerySet":
        """The pages the footer links, in their footer order."""
        return self.filter(show_in_footer=True).order_by("footer_order", "title")


class EditorialPage(models.Model):
    """A page editors keep beside the guides, at the site's root (/about/, /editorial-policy/, /terms/)."""

    title = models.CharField(max_length=200, validators=[one_line])
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="The page's address: about makes /about/. It must not be one the site uses already.",
        validators=[one_line],
    )
    summary = models.CharField(
        max_length=160, help_text="One sentence; used as the page's meta description.", validators=[one_line]
    )
    body = models.TextField(help_text="Markdown, as in guides.", validators=[multi_line])
    body_html = models.TextField(editable=False, default="")
    show_in_footer = models.BooleanField(default=True)
    footer_order = models.PositiveIntegerField(default=0, help_text="Lower numbers come first in the footer.")
    updated_at = models.DateTimeField(auto_now=True)

    objects = EditorialPageQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["body_html", "updated_at"])

    class Meta:
        ordering = ["footer_order", "title"]
        verbose_name = "editorial page"

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        self.body_html = markdown.render_html(self.body)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("page", kwargs={"slug": self.slug})

    def clean(self) -> None:
        if self.slug and not is_page_address(self.slug):
            raise ValidationError(
                {"slug": f"The address /{self.slug}/ belongs to another part of the site: choose another slug."}
            )


def is_page_address(slug: str) -> bool:
    """True if /<slug>/ reaches the editorial page view and the site has nothing beneath it (as
    /people/<slug>/ is beneath /people/), by asking the URL conf rather than a list kept by hand. The
    static and media files' folders are refused too: a web server may answer them before Django."""
    files = (urlsplit(url) for url in (settings.STATIC_URL, settings.MEDIA_URL or ""))
    if slug in {url.path.strip("/").split("/")[0] for url in files if not url.netloc}:
        return False
    try:
        if resolve(f"/{slug}/").view_name != "page":
            return False
    except Resolver404:
        return False
    try:
        resolve(f"/{slug}/x/")
    except Resolver404:
        return True
    return False
