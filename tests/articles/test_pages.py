from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone
from django.views.defaults import server_error
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from articles.models import Article, Reference
from tests.factories import make_article, make_author, make_category, make_faq
from tests.html import find_all, parse, text

pytestmark = pytest.mark.django_db


def test_home_links_to_published_guides_only(client):
    published = make_article(title="Sleep and recovery")
    make_article(title="Unfinished draft", status=Article.Status.DRAFT)
    response = client.get("/")
    assertContains(response, f'<a href="{published.get_absolute_url()}">Sleep and recovery</a>', html=True)
    assertNotContains(response, "Unfinished draft")


def test_guide_list_is_paginated_ten_to_a_page(client):
    for _ in range(11):
        make_article()
    first, second = client.get("/guides/"), client.get("/guides/?page=2")
    assert len(find_all(parse(first.content), "article", **{"class": "card"})) == 10
    assert len(find_all(parse(second.content), "article", **{"class": "card"})) == 1
    assertContains(second, "Page 2 of 2")


def test_guide_list_page_out_of_range_is_404(client):
    make_article()
    assert client.get("/guides/?page=9").status_code == 404
    assert client.get("/guides/?page=abc").status_code == 404


def test_category_page_lists_only_that_categorys_guides(client):
    sleep, muscles = make_category(name="Sleep", slug="sleep"), make_category(name="Muscles", slug="muscles")
    make_article(title="Sleep guide", category=sleep)
    make_article(title="Muscle guide", category=muscles)
    response = client.get("/guides/category/sleep/")
    assertContains(response, "<h1>Sleep guides</h1>", html=True)
    assertContains(response, "Sleep guide</a>")
    assertNotContains(response, "Muscle guide</a>")


def test_unknown_category_is_404(client):
    assert client.get("/guides/category/nothing-here/").status_code == 404


def test_draft_article_is_404_for_visitors(client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assertNotContains(client.get("/guides/"), draft.title)


def test_future_article_is_404_for_visitors_until_its_time(client):
    scheduled = make_article(published_at=timezone.now() + timedelta(hours=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    assertNotContains(client.get("/"), scheduled.title)
    # Visibility is a query on the clock, not a job that flips a flag.
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - timedelta(seconds=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 200


def test_staff_preview_shows_a_draft_with_a_banner(login_as):
    editor = login_as("Editors")
    draft = make_article(title="Work in progress", status=Article.Status.DRAFT, published_at=None)
    response = editor.get(f"/guides/{draft.slug}/preview/")
    assertContains(response, "<h1>Work in progress</h1>", html=True)
    assertContains(response, "Preview: draft. Visitors cannot see this guide yet.")


def test_staff_preview_shows_a_scheduled_guide(login_as):
    editor = login_as("Editors")
    scheduled = make_article(published_at=timezone.now() + timedelta(days=2))
    assertContains(editor.get(f"/guides/{scheduled.slug}/preview/"), "Preview: scheduled for")


def test_visitors_cannot_open_the_preview(client):
    draft = make_article(status=Article.Status.DRAFT, published_at=None)
    response = client.get(f"/guides/{draft.slug}/preview/")
    assertRedirects(response, f"/admin/login/?next=/guides/{draft.slug}/preview/")


def test_guide_page_shows_authorship_review_reading_time_and_disclaimer(client):
    article = make_article(
        body="word " * 450,
        author=make_author(name="Demo writer (placeholder)"),
        reviewed_by=make_author(name="Demo reviewer (placeholder)"),
        last_reviewed=timezone.datetime(2026, 3, 2).date(),
    )
    page_text = text(client.get(article.get_absolute_url()).content)
    assert "By Demo writer (placeholder)" in page_text
    assert "Medically reviewed by Demo reviewer (placeholder) on 2 March 2026" in page_text
    assert "3 min read" in page_text
    assert "Medical disclaimer: this guide is general information" in page_text


def test_guide_page_without_reviewer_says_so(client):
    article = make_article(reviewed_by=None)
    assertContains(client.get(article.get_absolute_url()), "Not yet medically reviewed")


def test_guide_page_has_breadcrumbs_and_related_guides_from_its_category(client):
    category = make_category(name="Recovery", slug="recovery")
    article = make_article(category=category)
    sibling = make_article(category=category, title="A sibling guide")
    make_article(title="An unrelated guide")
    response = client.get(article.get_absolute_url())
    crumbs = find_all(parse(response.content), "nav", **{"aria-label": "Breadcrumb"})[0]
    assert text(crumbs) == f"Home Guides Recovery {article.title}"
    related = find_all(parse(response.content), "section", **{"class": "related"})[0]
    assert [text(a) for a in find_all(related, "a")] == [sibling.title]


@pytest.mark.parametrize("faq_count", [1, 20])
def test_guide_page_runs_six_queries_whatever_the_number_of_faqs_and_sources(
    client, django_assert_num_queries, faq_count
):
    article = make_article()
    for number in range(faq_count):
        make_faq(article)
        Reference.objects.create(article=article, key=f"source-{number}", title=f"Source {number}")
    # Rendered afresh (the first visit): the guide with its people, its FAQs, its sources, the products
    # it mentions, the related guides, and the footer's links (read by the first page rendered after a
    # change, then cached: tests/articles/test_editorial_pages.py). Later visits come from the cache
    # (tests/test_page_cache.py).
    with django_assert_num_queries(6):
        response = client.get(article.get_absolute_url())
    assert len(find_all(parse(response.content), "details", **{"class": "faq"})) == faq_count


def test_faqs_render_in_their_explicit_order(client):
    article = make_article()
    make_faq(article, question="Second?", order=2)
    make_faq(article, question="First?", order=1)
    faqs = find_all(parse(client.get(article.get_absolute_url()).content), "summary", **{"class": "faq__question"})
    assert [text(faq) for faq in faqs] == ["First?", "Second?"]


def test_missing_page_uses_the_sites_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assertContains(response, "We couldn't find that page", status_code=404)


def test_server_error_page_is_plain_and_shows_no_details():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"Traceback" not in response.content
