"""JSON-LD (schema.org) in each page's head, read back and checked against what the page shows."""

import datetime
import re
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from articles.models import Article
from core.money import format_money
from tests.factories import (
    make_article,
    make_author,
    make_faq,
    make_page,
    make_product,
    make_reviewer,
    make_sourced_article,
    png,
)
from tests.html import find_all, parse, scripts, structured_data, text

pytestmark = pytest.mark.django_db

SITE = "https://health.example"
ATTACK = "</script><script>alert(1)</script>"


@pytest.fixture(autouse=True)
def site(settings):
    """The site's address, which no request here is made on: every address in the data is on it."""
    settings.SITE_URL = SITE


def only(node, name: str, **attributes: str):
    [element] = find_all(node, name, **attributes)
    return element


def attribute(element, name: str) -> str:
    return dict(element.attributes)[name]


def shown(response, pattern: str) -> list[str]:
    """The visible text of each match of `pattern` (its group) in the page's markup: read from the markup
    itself, as parse() drops the spaces between inline elements ("Name , credentials")."""
    return [text(markup) for markup in re.findall(pattern, response.content.decode(), re.DOTALL)]


# A guide


def test_a_guides_page_names_its_headline_people_and_dates_as_the_page_shows_them():
    author = make_author(name="Writer Placeholder", role="Health writer")
    reviewer = make_reviewer(name="Reviewer Placeholder", credentials="Placeholder credentials")
    guide = make_article(author=author, reviewed_by=reviewer, hero_image=png(80, 60), hero_image_alt="A runner")
    response = Client().get(guide.get_absolute_url())
    page, data = parse(response.content), structured_data(response)["MedicalWebPage"]

    assert data["headline"] == text(only(page, "h1")) == guide.title
    assert data["description"] == text(only(page, "p", **{"class": "lead"}))
    assert data["url"] == attribute(only(page, "link", rel="canonical"), "href") == f"{SITE}{guide.get_absolute_url()}"
    assert data["image"] == f"{SITE}{attribute(only(page, 'img', **{'class': 'guide__hero'}), 'src')}"
    byline, review, updated, _ = find_all(only(page, "ul", **{"class": "guide__meta"}), "li")
    [author_link], [reviewer_link] = find_all(byline, "a"), find_all(review, "a")
    assert data["author"] == {
        "@type": "Person",
        "name": text(author_link),
        "url": f"{SITE}{attribute(author_link, 'href')}",
        "jobTitle": "Health writer",
    }
    assert data["reviewedBy"] == {
        "@type": "Person",
        "name": text(reviewer_link),
        "url": f"{SITE}{attribute(reviewer_link, 'href')}",
        "honorificSuffix": "Placeholder credentials",
    }
    people = data["author"], data["reviewedBy"]
    assert shown(response, r"<li>(By .*?)</li>") == [f"By {people[0]['name']}"]  # no credentials
    assert shown(response, r"<li>(Medically reviewed by .*?) on <time") == [
        f"Medically reviewed by {people[1]['name']}, {people[1]['honorificSuffix']}"
    ]
    footer = only(page, "footer", **{"class": "guide__review"})
    assert data["lastReviewed"] == attribute(find_all(footer, "time")[0], "datetime") == guide.last_reviewed.isoformat()
    shown_update = datetime.datetime.fromisoformat(attribute(only(updated, "time"), "datetime"))
    assert (
        datetime.datetime.fromisoformat(data["dateModified"])
        == shown_update
        == guide.last_updated.replace(microsecond=0)
    )
    assert datetime.datetime.fromisoformat(data["datePublished"]) == guide.published_at.replace(microsecond=0)
    assert data["publisher"]["name"] == "Steady Strength"


def test_a_guides_faqs_are_the_questions_and_answers_the_page_shows():
    guide = make_article()
    make_faq(
        guide, question="Is rest enough?", answer="Often, *not always*: see [the list](/guides/).\n\nAsk a doctor."
    )
    make_faq(guide, question="How long does it take?", answer="It varies & depends.")
    response = Client().get(guide.get_absolute_url())
    visible = list(
        zip(
            shown(response, r'<summary class="faq__question">(.*?)</summary>'),
            shown(response, r'<div class="faq__answer">(.*?)</div>'),
            strict=True,
        )
    )
    questions = structured_data(response)["FAQPage"]["mainEntity"]
    assert (
        [(q["name"], q["acceptedAnswer"]["text"]) for q in questions]
        == visible
        == [
            ("Is rest enough?", "Often, not always: see the list. Ask a doctor."),
            ("How long does it take?", "It varies & depends."),
        ]
    )
    assert {q["@type"] for q in questions} == {"Question"}
    assert {q["acceptedAnswer"]["@type"] for q in questions} == {"Answer"}


def test_a_guides_sources_are_its_citations_as_the_sources_list_gives_them():
    guide = make_sourced_article()
    response = Client().get(guide.get_absolute_url())
    sources = find_all(only(parse(response.content), "ol", **{"class": "sources__list"}), "li")
    citations = structured_data(response)["MedicalWebPage"]["citation"]
    assert [(c["name"], c["url"]) for c in citations] == [
        (text(link), attribute(link, "href")) for link in (find_all(item, "a")[0] for item in sources)
    ]
    journal_paper = guide.references.get(key="second")
    assert citations[1] == {
        "@type": "CreativeWork",
        "name": journal_paper.title,
        "author": "Placeholder A",
        "publisher": "Placeholder Journal",
        "datePublished": "2020",
        "url": "https://doi.org/10.1000/placeholder",
    }
    [listed] = shown(response, r'<li id="source-second">(.*?)</li>')
    assert listed.startswith(f"Placeholder A. {journal_paper.title}. Placeholder Journal, 2020.")


def test_a_guide_without_sources_or_faqs_has_no_citation_and_no_faq_page():
    response = Client().get(make_article().get_absolute_url())
    data = structured_data(response)
    assert set(data) == {"BreadcrumbList", "MedicalWebPage"}
    assert "citation" not in data["MedicalWebPage"] and "image" not in data["MedicalWebPage"]


def test_a_draft_previewed_without_its_people_leaves_them_out(login_as):
    draft = make_article(title="Work in progress", status=Article.Status.DRAFT, published_at=None)
    data = structured_data(login_as("Editors").get(f"/guides/{draft.slug}/preview/"))["MedicalWebPage"]
    assert data["headline"] == "Work in progress"
    assert not {"author", "reviewedBy", "lastReviewed", "datePublished"} & set(data)


def test_script_in_a_title_or_faq_stays_text_and_opens_no_script():
    plain = make_article()
    guide = make_article(title=f"Rest {ATTACK}")
    make_faq(guide, question=f"Why {ATTACK}?", answer="Because.")
    make_faq(plain, question="Why?", answer="Because.")
    response = Client().get(guide.get_absolute_url())

    data = structured_data(response)
    assert data["MedicalWebPage"]["headline"] == f"Rest {ATTACK}"
    assert data["FAQPage"]["mainEntity"][0]["name"] == f"Why {ATTACK}?"
    assert data["BreadcrumbList"]["itemListElement"][-1]["name"] == f"Rest {ATTACK}"
    found = [(attrs.get("type"), attrs.get("src")) for attrs, _ in scripts(response.content)]
    assert found == [
        (attrs.get("type"), attrs.get("src")) for attrs, _ in scripts(Client().get(plain.get_absolute_url()).content)
    ]
    assert all(kind == "application/ld+json" or src for kind, src in found)
    assert b"alert(1)</script>" not in response.content.split(b"</head>")[0]


# A product


@pytest.mark.parametrize(
    ("fields", "price", "availability"),
    [
        ({"price": Decimal("12.00"), "stock": 3}, "12.00", "https://schema.org/InStock"),
        ({"price": Decimal("12.00"), "sale_price": Decimal("7.50"), "stock": 3}, "7.50", "https://schema.org/InStock"),
        ({"price": Decimal("12.00"), "stock": 0}, "12.00", "https://schema.org/OutOfStock"),
    ],
)
def test_a_products_offer_is_the_price_and_stock_the_page_shows(settings, fields, price, availability):
    product = make_product(name="Magnesium glycinate", sku="MAG-1", **fields)
    response = Client().get(product.get_absolute_url())
    page, data = parse(response.content), structured_data(response)["Product"]

    assert data["name"] == text(only(page, "h1")) == "Magnesium glycinate"
    assert (data["description"], data["sku"]) == (text(only(page, "p", **{"class": "lead"})), "MAG-1")
    assert data["url"] == f"{SITE}{product.get_absolute_url()}"
    shown_price = text(find_all(only(page, "p", **{"class": "price"}), "strong")[0])
    assert data["offers"] == {
        "@type": "Offer",
        "price": price,
        "priceCurrency": settings.CURRENCY,
        "url": data["url"],
        "availability": availability,
    }
    assert format_money(Decimal(data["offers"]["price"])) == shown_price
    assert ("Out of stock" if fields["stock"] == 0 else "In stock") in text(
        only(page, "div", **{"class": "product__info"})
    )
    assert "image" not in data


def test_a_products_image_is_named_by_its_absolute_address():
    product = make_product(image=png(90, 90), image_alt="A jar")
    assert structured_data(Client().get(product.get_absolute_url()))["Product"]["image"] == f"{SITE}{product.image.url}"


# Every page with a trail, the home page, the rest


@pytest.mark.parametrize("kind", ["guide", "product", "person", "page"])
def test_the_breadcrumb_list_is_the_trail_the_page_shows(kind):
    guide = make_article()
    url = {
        "guide": guide.get_absolute_url(),
        "product": make_product().get_absolute_url(),
        "person": guide.author.get_absolute_url(),
        "page": make_page(slug="about").get_absolute_url(),
    }[kind]
    response = Client().get(url)
    trail = find_all(only(parse(response.content), "nav", **{"aria-label": "Breadcrumb"}), "li")
    shown = [
        (position, text(li), [f"{SITE}{attribute(a, 'href')}" for a in find_all(li, "a")])
        for position, li in enumerate(trail, 1)
    ]
    items = structured_data(response)["BreadcrumbList"]["itemListElement"]
    assert [(item["position"], item["name"], [item["item"]] if "item" in item else []) for item in items] == shown
    assert shown[0] == (1, "Home", [f"{SITE}/"]) and shown[-1][2] == []  # the current page: no link


def test_the_home_page_names_the_organization_and_the_sites_search():
    make_article(title="Magnesium and tired muscles")
    response = Client().get("/")
    data = structured_data(response)
    assert set(data) == {"Organization", "WebSite"}
    logo = attribute(only(parse(response.content), "meta", property="og:image"), "content")
    assert data["Organization"] == {
        "@type": "Organization",
        "@id": f"{SITE}/#organization",
        "name": "Steady Strength",
        "url": f"{SITE}/",
        "logo": logo,
    }
    assert logo == f"{SITE}/static/img/social.png"  # the image the site ships
    search = data["WebSite"]["potentialAction"]
    assert (data["WebSite"]["name"], data["WebSite"]["url"]) == ("Steady Strength", f"{SITE}/")
    assert search["@type"] == "SearchAction"
    assert search["target"] == {"@type": "EntryPoint", "urlTemplate": f"{SITE}/search/?q={{search_term_string}}"}
    assert search["query-input"] == "required name=search_term_string"
    searched = search["target"]["urlTemplate"].removeprefix(SITE).replace("{search_term_string}", quote("magnesium"))
    assertContains(Client().get(searched), "Magnesium and tired muscles")


@pytest.mark.parametrize("url", ["/guides/", "/shop/", "/search/?q=rest", "/cart/"])
def test_a_page_without_a_trail_or_data_of_its_own_has_no_json_ld(url):
    assert structured_data(Client().get(url)) == {}


# Through the page cache: the data is stored with the page (and with the guide's body), so a change
# must replace it at once.


@pytest.mark.parametrize("with_cart", [False, True])
def test_a_changed_guide_and_faq_show_in_the_structured_data_at_once(with_cart):
    guide = make_article(title="The old title")
    faq = make_faq(guide, question="The old question?")
    visitor = Client()
    if with_cart:  # rendered for them, the body and the data from the template's cache
        visitor.post("/cart/add/", {"product": make_product().pk, "quantity": 1})
    Client().get(guide.get_absolute_url())
    before = structured_data(visitor.get(guide.get_absolute_url()))
    assert (before["MedicalWebPage"]["headline"], before["FAQPage"]["mainEntity"][0]["name"]) == (
        "The old title",
        "The old question?",
    )
    guide.title, faq.question = "The new title", "The new question?"
    guide.save()
    faq.save()
    after = structured_data(visitor.get(guide.get_absolute_url()))
    assert (after["MedicalWebPage"]["headline"], after["FAQPage"]["mainEntity"][0]["name"]) == (
        "The new title",
        "The new question?",
    )


def test_a_changed_price_and_stock_show_in_the_offer_at_once():
    product = make_product(price=Decimal("12.00"), stock=3)
    Client().get(product.get_absolute_url())
    assert Client().get(product.get_absolute_url())["X-Page-Cache"] == "hit"
    product.sale_price, product.stock = Decimal("9.00"), 0
    product.save()
    offer = structured_data(Client().get(product.get_absolute_url()))["Product"]["offers"]
    assert (offer["price"], offer["availability"]) == ("9.00", "https://schema.org/OutOfStock")
