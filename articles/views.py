from functools import partial

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from articles import structured_data
from articles.models import Article, Author, Category, EditorialPage, SlugRedirect
from core import pages
from core.lists import CategoryListView

RELATED_GUIDES = 3


def _with_people(queryset):
    return queryset.select_related("category", "author", "reviewed_by")


class ArticleListView(CategoryListView):
    """The guides, or one category's (/guides/category/<slug>/), with a link to each category."""

    queryset = Article.objects.published().listed().select_related("category")
    category_model = Category
    paginate_by = 10
    context_object_name = "articles"

    def categories(self):
        return Category.objects.with_published_guides()


class ArticleDetailView(DetailView):
    context_object_name = "article"
    preview = False

    def get(self, request, *args, **kwargs):
        # Read before the guide is (see fragment_stamp). None: the body is not cached.
        self.stamp = None if self.preview else pages.fragment_stamp()
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A guide whose slug changed after publishing keeps its old address.
            moved = SlugRedirect.objects.filter(old_slug=kwargs["slug"], article__in=Article.objects.published())
            if self.preview or not (redirect := moved.select_related("article").first()):
                raise
            return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())

    def get_queryset(self):
        return _with_people(Article.objects.published())

    def get_context_data(self, **kwargs):
        # The body below the header is the same for every visitor, so the template caches it (for
        # visitors with a cart, whose page is rendered for them). FAQs, products and related guides
        # are lazy: the cache's generation changes with any of them, and a cached body costs no query.
        # So is the structured data, cached beside the body; it reads the FAQs and sources the body shows.
        article = self.object
        faqs, references = article.faqs.all(), article.references.all()
        related = Article.objects.published().listed().related_to(article).select_related("category")
        breadcrumbs = [
            {"title": "Home", "url": reverse("home")},
            {"title": "Guides", "url": reverse("articles:list")},
            {"title": article.category.name, "url": article.category.get_absolute_url()},
            {"title": article.title, "url": None},
        ]
        return super().get_context_data(
            faqs=faqs,
            references=references,
            structured_data=partial(structured_data.guide, article, faqs, references),
            products=article.mentioned_products,
            related=related[:RELATED_GUIDES],
            breadcrumbs=breadcrumbs,
            preview=self.preview,
            body_seconds=settings.PAGE_CACHE_SECONDS,
            body_stamp=self.stamp,
            **kwargs,
        )


class PersonView(ListView):
    """A writer's or reviewer's page: who they are, and the published guides they wrote or reviewed,
    newest first, a page at a time."""

    paginate_by = 12
    context_object_name = "articles"
    template_name = "articles/person_detail.html"

    def get_queryset(self):
        self.person = get_object_or_404(Author, slug=self.kwargs["slug"])
        return Article.objects.published().listed().by(self.person).select_related("category")

    def get_context_data(self, **kwargs):
        breadcrumbs = [{"title": "Home", "url": reverse("home")}, {"title": self.person.name, "url": None}]
        return super().get_context_data(person=self.person, breadcrumbs=breadcrumbs, **kwargs)


class EditorialPageView(DetailView):
    """An editorial page (About, Editorial policy, Terms...) at the site's root."""

    model = EditorialPage
    context_object_name = "page"
    template_name = "articles/page_detail.html"

    def get_context_data(self, **kwargs):
        breadcrumbs = [{"title": "Home", "url": reverse("home")}, {"title": self.object.title, "url": None}]
        return super().get_context_data(breadcrumbs=breadcrumbs, **kwargs)


@method_decorator(staff_member_required, name="dispatch")  # outermost: visitors go to the admin login
@method_decorator(permission_required("articles.change_article", raise_exception=True), name="dispatch")
class ArticlePreviewView(ArticleDetailView):
    """Staff who edit guides see a draft or scheduled guide exactly as visitors will; other staff get a 403."""

    preview = True

    def get_queryset(self):
        return _with_people(Article.objects.all()).prefetch_related("faqs")
