from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.generic import DetailView, ListView

from articles.models import Article, Author, Category, EditorialPage, SlugRedirect
from fatigue_site import pages

RELATED_GUIDES = 3


def _with_people(queryset):
    return queryset.select_related("category", "author", "reviewed_by")


class HomeView(ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().select_related("category")[:6]


class ArticleListView(ListView):
    paginate_by = 10
    context_object_name = "articles"

    def get_queryset(self):
        articles = Article.objects.published().select_related("category")
        self.category = None
        if "slug" in self.kwargs:
            self.category = get_object_or_404(Category, slug=self.kwargs["slug"])
            articles = articles.filter(category=self.category)
        return articles

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            category=self.category,
            categories=Category.objects.with_published_guides(),
            **kwargs,
        )


class ArticleDetailView(DetailView):
    context_object_name = "article"
    preview = False

    def get(self, request, *args, **kwargs):
        # Read before the guide is: a body rendered from data older than a change is then stored
        # under the generation before it, never under the new one. None: the body is not cached.
        caching = settings.PAGE_CACHE_SECONDS > 0 and not self.preview
        self.generation = pages.local.current_generation() if caching else None
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
        article = self.object
        breadcrumbs = [
            {"title": "Home", "url": reverse("home")},
            {"title": "Guides", "url": reverse("articles:list")},
            {"title": article.category.name, "url": article.category.get_absolute_url()},
            {"title": article.title, "url": None},
        ]
        return super().get_context_data(
            faqs=article.faqs.all(),
            references=article.references.all(),
            products=article.mentioned_products,
            related=Article.objects.published().related_to(article).select_related("category")[:RELATED_GUIDES],
            breadcrumbs=breadcrumbs,
            preview=self.preview,
            body_seconds=settings.PAGE_CACHE_SECONDS,
            body_generation=(pages.release(), self.generation) if self.generation else None,
            **kwargs,
        )


class PersonView(DetailView):
    """A writer's or reviewer's page: who they are, and the published guides they wrote and reviewed."""

    model = Author
    context_object_name = "person"
    template_name = "articles/person_detail.html"

    def get_context_data(self, **kwargs):
        published = Article.objects.published().select_related("category")
        return super().get_context_data(
            written=published.filter(author=self.object),
            reviewed=published.filter(reviewed_by=self.object),
            breadcrumbs=[{"title": "Home", "url": reverse("home")}, {"title": self.object.name, "url": None}],
            **kwargs,
        )


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
