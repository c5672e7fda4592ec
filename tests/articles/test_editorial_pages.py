"""Editorial pages (About, Editorial policy, Terms...): at the site's root, linked from every page's
footer, kept by editors in the admin, and shared by the page cache like the guides."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.context_processors import footer_links
from articles.importing import ArticleImportError, import_page
from articles.models import EditorialPage, is_page_address
from tests.factories import make_article, make_page
from tests.html import find_all, parse, text

pytestmark = pytest.mark.django_db

DEMO_SLUGS = ["about", "editorial-policy", "contact", "privacy", "shipping-and-returns", "terms"]
TAKEN = ["guides", "shop", "cart", "checkout", "orders", "people", "admin", "media", "static"]


def page_form(**overrides) -> dict:
    return {
        "title": "About us",
        "slug": "about",
        "summary": "Who we are.",
        "body": "Some text.",
        "show_in_footer": "on",
        "footer_order": "1",
    } | overrides


def footer_nav(response) -> list[tuple[str, str | None]]:
    """(text, href) of each link in the footer's "Site information" list."""
    nav = find_all(parse(response.content), "nav", **{"aria-label": "Site information"})
    return [(text(a), dict(a.attributes)["href"]) for a in find_all(nav[0], "a")] if nav else []


@pytest.mark.parametrize("slug", DEMO_SLUGS)
def test_a_page_renders_at_its_address_with_title_summary_and_date(client, slug):
    page = make_page(slug=slug, title="A page title", summary="What the page says, in one sentence.")
    response = client.get(f"/{slug}/")
    assert response.status_code == 200
    html = parse(response.content)
    assert [text(h1) for h1 in find_all(html, "h1")] == ["A page title"]
    assert text(find_all(html, "nav", **{"aria-label": "Breadcrumb"})[0]) == "Home A page title"
    assertContains(response, '<meta name="description" content="What the page says, in one sentence.">')
    updated = find_all(html, "footer", **{"class": "editorial-page__updated"})[0]
    assert text(updated) == f"Last updated {timezone.localtime(page.updated_at):%-d %B %Y}"


def test_the_body_is_rendered_markdown_with_markup_escaped(client):
    make_page(slug="about", body="## Who we are\n\nA [link](javascript:alert(1)).\n\n<script>alert(1)</script>\n")
    response = client.get("/about/")
    body = find_all(parse(response.content), "div", **{"class": "editorial-page__body"})[0]
    assert find_all(body, "h2", id="who-we-are")
    assert not find_all(body, "script")
    assertNotContains(response, "<script>alert(1)")
    assertNotContains(response, 'href="javascript:')
    assert "<script>alert(1)</script>" in text(body)  # shown as text, not run


def test_an_unknown_slug_is_404(client):
    make_page(slug="about")
    assert client.get("/no-such-page/").status_code == 404


def test_the_pages_own_addresses_are_free_and_the_sites_others_are_not():
    assert all(is_page_address(slug) for slug in DEMO_SLUGS)
    assert not any(is_page_address(slug) for slug in TAKEN)


@pytest.mark.parametrize("slug", TAKEN)
def test_an_editor_is_told_a_taken_address_and_nothing_is_saved(login_as, slug):
    editor = login_as("Editors")
    response = editor.post("/admin/articles/editorialpage/add/", page_form(slug=slug))
    assert response.status_code == 200
    assertContains(response, f"The address /{slug}/ belongs to another part of the site: choose another slug.")
    assert not EditorialPage.objects.exists()


def test_an_editor_adds_a_page_with_its_history_and_a_view_on_site_link(login_as):
    editor = login_as("Editors")
    response = editor.post("/admin/articles/editorialpage/add/", page_form())
    assert response.status_code == 302
    page = EditorialPage.objects.get()
    assert page.body_html == "<p>Some text.</p>\n"
    assert [entry.history_user.username for entry in page.history.all()] == ["staff-Editors"]
    change = editor.get(f"/admin/articles/editorialpage/{page.pk}/change/")
    assertContains(change, "/about/")  # "View on site"


def test_an_editor_cannot_move_a_page_to_a_taken_address(login_as):
    page = make_page(slug="about")
    editor = login_as("Editors")
    response = editor.post(f"/admin/articles/editorialpage/{page.pk}/change/", page_form(slug="shop"))
    assertContains(response, "The address /shop/ belongs to another part of the site")
    page.refresh_from_db()
    assert page.slug == "about"


def test_the_footer_links_the_footer_pages_in_order_and_leaves_out_hidden_ones(client):
    make_page(title="Terms", slug="terms", footer_order=3)
    make_page(title="About", slug="about", footer_order=1)
    make_page(title="Hidden", slug="hidden", show_in_footer=False, footer_order=2)
    make_page(title="Contact", slug="contact", footer_order=2)
    response = client.get(make_article().get_absolute_url())
    assert footer_nav(response) == [("About", "/about/"), ("Contact", "/contact/"), ("Terms", "/terms/")]


def test_the_footer_marks_the_page_the_reader_is_on(client):
    make_page(title="About", slug="about")
    make_page(title="Terms", slug="terms")
    nav = find_all(parse(client.get("/terms/").content), "nav", **{"aria-label": "Site information"})[0]
    assert [dict(a.attributes).get("aria-current") for a in find_all(nav, "a")] == [None, "page"]


def test_without_footer_pages_the_footer_has_no_empty_list(client):
    make_page(show_in_footer=False)
    response = client.get("/")
    assert response.status_code == 200
    assertNotContains(response, "Site information")


def test_the_footer_links_are_read_once_per_page_generation(django_assert_num_queries):
    page = make_page(title="About", slug="about")
    with django_assert_num_queries(1):
        assert footer_links() == [{"title": "About", "url": "/about/"}]
    with django_assert_num_queries(0):
        footer_links()
    page.title = "About this site"
    page.save()  # a new generation
    with django_assert_num_queries(1):
        assert footer_links() == [{"title": "About this site", "url": "/about/"}]


def test_with_the_page_cache_off_the_footer_links_are_read_each_time(settings, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    make_page()
    for _ in range(2):
        with django_assert_num_queries(1):
            footer_links()


def test_a_page_costs_two_queries_rendered_afresh_one_with_its_footer_cached_none_shared(
    client, django_assert_num_queries
):
    make_page(slug="about")
    make_page(slug="terms")
    with django_assert_num_queries(2):  # the page, the footer's links
        assert Client().get("/about/")["X-Page-Cache"] == "miss"
    with django_assert_num_queries(1):  # the page; the links from the cache
        assert Client().get("/terms/")["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert Client().get("/about/")["X-Page-Cache"] == "hit"


def test_an_edit_outside_the_admin_shows_at_once_on_cached_pages():
    guide = make_article()
    page = make_page(title="About", slug="about", body="Old text.")
    for url in (guide.get_absolute_url(), "/about/"):
        Client().get(url)
        assert Client().get(url)["X-Page-Cache"] == "hit"
    page.title, page.body = "About this site", "New text."
    page.save()  # as a shell, a command or a data migration would
    response = Client().get("/about/")
    assert response["X-Page-Cache"] == "miss"
    assertContains(response, "New text.")
    assert footer_nav(Client().get(guide.get_absolute_url())) == [("About this site", "/about/")]


def test_a_hidden_page_leaves_the_footer_of_cached_pages_at_once():
    guide = make_article()
    page = make_page(title="About", slug="about")
    assert footer_nav(Client().get(guide.get_absolute_url())) == [("About", "/about/")]
    page.show_in_footer = False
    page.save()
    assert footer_nav(Client().get(guide.get_absolute_url())) == []
    assert Client().get("/about/").status_code == 200  # still at its address


def test_history_keeps_each_version_without_the_rendered_html():
    page = make_page(body="First.")
    page.body = "Second."
    page.save()
    assert [entry.body for entry in page.history.all()] == ["Second.", "First."]
    assert not hasattr(page.history.first(), "body_html")


def test_a_page_file_is_refused_with_what_to_fix(tmp_path):
    (tmp_path / "shop.md").write_text("---\ntitle: Shop\nsummary: One sentence.\n---\nText.\n")
    (tmp_path / "about.md").write_text("---\ntitle: About\n---\nText.\n")
    with pytest.raises(ArticleImportError, match="slug: The address /shop/ belongs to another part of the site"):
        import_page(tmp_path / "shop.md")
    with pytest.raises(ArticleImportError, match="the front matter needs 'summary'"):
        import_page(tmp_path / "about.md")
    assert not EditorialPage.objects.exists()


@pytest.mark.thorough  # seed_demo draws the demo products' images
def test_seed_demo_loads_the_six_pages_once_and_leaves_edited_ones_alone(client):
    call_command("seed_demo", stdout=io.StringIO())
    EditorialPage.objects.filter(slug="about").update(title="Edited by staff")
    call_command("seed_demo", stdout=io.StringIO())
    assert sorted(EditorialPage.objects.values_list("slug", flat=True)) == sorted(DEMO_SLUGS)
    assert EditorialPage.objects.get(slug="about").title == "Edited by staff"
    for page in EditorialPage.objects.all():
        assert page.full_clean() is None
        assert "placeholder" in text(page.body_html).split(".")[0].lower()  # said in the first sentence
    assert [title for title, _ in footer_nav(client.get("/guides/deep-muscle-fatigue/"))] == [
        "Edited by staff",
        "Editorial policy",
        "Contact",
        "Privacy",
        "Shipping and returns",
        "Terms",
    ]
