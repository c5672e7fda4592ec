"""Found and shared: the sitemap, robots.txt and the Atom feed."""

import datetime
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article
from articles.sitemaps import GuideSitemap
from tests.factories import make_article, make_author, make_category, make_page, make_product

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
SECTIONS = ["lists", "guides", "categories", "people", "pages", "products"]


def aware(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


def xml(url: str, client: Client | None = None) -> ET.Element:
    response = (client or Client()).get(url)
    assert response.status_code == 200
    return ET.fromstring(response.content)


def sitemap_urls(url: str) -> dict[str, str | None]:
    """{address: lastmod or None} of a sitemap section's page."""
    urls = xml(url).findall(f"{SITEMAP}url")
    return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in urls}


@pytest.fixture
def site(settings):
    """The site's one host name, and a second name it also answers to."""
    settings.SITE_HOST = "health.example"
    settings.ALLOWED_HOSTS = ["health.example", "www.health.example", "testserver"]
    settings.HTTPS = True  # only the addresses' scheme: SECURE_SSL_REDIRECT was read at start
    return "https://health.example"


@pytest.fixture
def content():
    """What the sitemap lists, beside what it must leave out."""
    category, empty_category = make_category(), make_category()
    writer, reviewer, idle = make_author(), make_author(credentials="Placeholder credentials"), make_author()
    guide = make_article(category=category, author=writer, reviewed_by=reviewer)
    make_article(category=empty_category, author=idle, status=Article.Status.DRAFT)
    make_article(category=empty_category, author=idle, reviewed_by=reviewer, published_at=timezone.now() + timedelta(1))
    product, _ = make_product(), make_product(is_active=False)
    page = make_page(slug="about")
    return {"guide": guide, "category": category, "writer": writer, "reviewer": reviewer, "product": product,
            "page": page}  # fmt: skip


def test_the_sitemap_index_names_each_section_on_the_sites_address_whatever_host_was_asked(site, content):
    index = Client().get("/sitemap.xml", headers={"Host": "www.health.example"})
    assert index["Content-Type"] == "application/xml"
    locations = [entry.findtext(f"{SITEMAP}loc") for entry in ET.fromstring(index.content)]
    assert locations == [f"{site}/sitemap-{section}.xml" for section in SECTIONS]


def test_each_section_lists_exactly_what_visitors_may_see_on_the_sites_address(site, content):
    guide, page, product = content["guide"], content["page"], content["product"]
    listed = {section: set(sitemap_urls(f"/sitemap-{section}.xml")) for section in SECTIONS}
    assert listed == {
        "lists": {f"{site}/", f"{site}/guides/", f"{site}/shop/"},
        "guides": {f"{site}{guide.get_absolute_url()}"},  # no draft, no scheduled guide
        "categories": {f"{site}{content['category'].get_absolute_url()}"},  # not the one with only those
        "people": {f"{site}/people/{person.slug}/" for person in (content["writer"], content["reviewer"])},
        "pages": {f"{site}/about/"},
        "products": {f"{site}{product.get_absolute_url()}"},  # not the inactive one
    }
    assert sitemap_urls("/sitemap-pages.xml")[f"{site}/about/"] == f"{page.updated_at:%Y-%m-%d}"
    assert (
        sitemap_urls("/sitemap-products.xml")[f"{site}{product.get_absolute_url()}"] == f"{product.updated_at:%Y-%m-%d}"
    )


def test_a_guides_lastmod_is_the_later_of_its_last_update_and_its_last_review(site):
    reviewed_later = make_article(last_updated=aware(2026, 1, 10), last_reviewed=datetime.date(2026, 2, 1))
    updated_later = make_article(last_updated=aware(2026, 3, 5), last_reviewed=datetime.date(2026, 1, 1))
    lastmods = sitemap_urls("/sitemap-guides.xml")
    assert lastmods == {
        f"{site}{reviewed_later.get_absolute_url()}": "2026-02-01",
        f"{site}{updated_later.get_absolute_url()}": "2026-03-05",
    }
    guides = next(entry for entry in xml("/sitemap.xml") if entry.findtext(f"{SITEMAP}loc").endswith("guides.xml"))
    assert guides.findtext(f"{SITEMAP}lastmod") == "2026-03-05T12:00:00+00:00"


def test_a_section_longer_than_its_limit_is_split_into_pages_the_index_names(site, monkeypatch):
    monkeypatch.setattr(GuideSitemap, "limit", 2)
    guides = [make_article() for _ in range(5)]
    locations = [entry.findtext(f"{SITEMAP}loc") for entry in xml("/sitemap.xml")]
    assert [url for url in locations if "guides" in url] == [
        f"{site}/sitemap-guides.xml",
        f"{site}/sitemap-guides.xml?p=2",
        f"{site}/sitemap-guides.xml?p=3",
    ]
    assert set(sitemap_urls("/sitemap-guides.xml?p=3")) == {f"{site}{guides[4].get_absolute_url()}"}
    assert Client().get("/sitemap-guides.xml?p=4").status_code == 404


def test_the_default_section_limit_is_well_under_the_protocols_fifty_thousand():
    assert GuideSitemap.limit == 5000


@pytest.mark.parametrize(("url", "queries"), [("/sitemap.xml", 8)] + [(f"/sitemap-{s}.xml", 2) for s in SECTIONS[1:]])
def test_the_sitemaps_queries_do_not_grow_with_the_guides(url, queries, django_assert_num_queries):
    category, author, reviewer = make_category(), make_author(), make_author(credentials="Placeholder")
    make_product(), make_page()
    for count in (5, 50):
        while Article.objects.count() < count:
            make_article(category=category, author=author, reviewed_by=reviewer)
        with django_assert_num_queries(queries):  # a count for the paginator, then the page's rows
            Client().get(url)


def test_robots_txt_keeps_crawlers_from_private_pages_and_names_the_sitemap(site):
    response = Client().get("/robots.txt")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "User-agent: *\n"
        "Disallow: /cart/\n"
        "Disallow: /checkout/\n"
        "Disallow: /orders/\n"
        "Disallow: /search/\n"
        "Disallow: /*/preview/\n"
        "Disallow: /admin/\n"
        "\n"
        "Sitemap: https://health.example/sitemap.xml\n"
    )


def test_the_feed_is_atom_with_the_twenty_newest_published_guides(site):
    now = timezone.now()
    guides = [make_article(published_at=now - timedelta(hours=hour)) for hour in range(1, 23)]
    make_article(status=Article.Status.DRAFT)
    make_article(published_at=now + timedelta(hours=1))
    response = Client().get("/feed/")
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "Steady Strength: latest guides"
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == f"{site}/feed/"
    entries = feed.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [guide.title for guide in guides[:20]]


def test_a_feed_entry_has_its_link_summary_author_dates_and_category(site):
    author = make_author(name="Ada Placeholder")
    guide = make_article(
        title="Salt & <sodium>: what you lose",
        summary="Why 1 < 2 & more.",
        author=author,
        published_at=aware(2026, 2, 1),
        last_updated=aware(2026, 2, 3),
        last_reviewed=datetime.date(2026, 2, 10),
    )
    entry = xml("/feed/").find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == "Salt & <sodium>: what you lose"
    assert entry.find(f"{ATOM}link").get("href") == f"{site}{guide.get_absolute_url()}"
    assert entry.find(f"{ATOM}summary").get("type") == "html"
    assert entry.findtext(f"{ATOM}summary") == escape("Why 1 < 2 & more.")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Ada Placeholder"
    assert entry.findtext(f"{ATOM}published") == "2026-02-01T12:00:00+00:00"
    assert entry.findtext(f"{ATOM}updated") == "2026-02-10T00:00:00+00:00"  # the review came later
    assert [category.get("term") for category in entry.findall(f"{ATOM}category")] == [guide.category.name]


# Through the page cache: the feed and the sitemap are shared pages, so a change must replace them at once.


def test_the_feed_and_sitemap_are_shared_between_visitors_without_a_session(django_assert_num_queries):
    make_article()
    for url in ("/feed/", "/sitemap.xml", "/sitemap-guides.xml", "/robots.txt"):
        first = Client().get(url)
        with django_assert_num_queries(0):
            second = Client().get(url)
        assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
        assert (second.content, second["Content-Type"]) == (first.content, first["Content-Type"])


def test_a_visitor_with_a_cart_gets_the_same_feed_rendered_for_them(client):
    make_article()
    client.post("/cart/add/", {"product": make_product().pk, "quantity": 1})
    shared = Client().get("/feed/")
    theirs = client.get("/feed/")  # no mini cart to put in: rendered for them, whole
    assert (shared["X-Page-Cache"], "X-Page-Cache" in theirs) == ("miss", False)
    assert (theirs.content, theirs["Content-Type"]) == (shared.content, shared["Content-Type"])


def test_a_guide_edited_outside_the_admin_shows_in_the_feed_for_the_next_visitor():
    guide = make_article(title="The old title")
    assert xml("/feed/").find(f"{ATOM}entry").findtext(f"{ATOM}title") == "The old title"
    assert Client().get("/feed/")["X-Page-Cache"] == "hit"
    guide.title = "The new title"
    guide.save()
    assert xml("/feed/").find(f"{ATOM}entry").findtext(f"{ATOM}title") == "The new title"


def test_an_unpublished_guide_and_a_retired_product_leave_the_sitemap_at_once():
    site = "http://testserver"  # the host the page cache stores pages for here
    guide, product = make_article(), make_product()
    assert f"{site}{guide.get_absolute_url()}" in sitemap_urls("/sitemap-guides.xml")
    assert f"{site}{product.get_absolute_url()}" in sitemap_urls("/sitemap-products.xml")
    assert Client().get("/sitemap-guides.xml")["X-Page-Cache"] == "hit"
    guide.status = Article.Status.DRAFT
    guide.save()
    product.is_active = False
    product.save()
    assert sitemap_urls("/sitemap-guides.xml") == {}
    assert sitemap_urls("/sitemap-products.xml") == {}
