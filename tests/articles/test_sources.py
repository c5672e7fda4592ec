"""Sources a reader can check: references as data, cited in the body with [^key], numbered in a Sources
list with links back; and the "when to see a doctor" callout. Editors are told of a citation without
a source; readers never get a broken link."""

import io
from textwrap import dedent

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles import markdown
from articles.models import Article, Reference
from tests.factories import (
    make_article,
    make_author,
    make_category,
    make_reference,
    make_reviewer,
    make_sourced_article,
)
from tests.html import find_all, parse, text

pytestmark = pytest.mark.django_db


def citations(response) -> list[tuple[str, str, str]]:
    """(number shown, target, id) of each citation in the body, in reading order."""
    found = []
    for sup in find_all(parse(response.content), "sup", **{"class": "citation"}):
        link = dict(find_all(sup, "a")[0].attributes)
        found.append((text(sup), link["href"], link["id"]))
    return found


def sources(response) -> list[str]:
    section = find_all(parse(response.content), "section", **{"class": "sources"})
    # The parser spaces out the end of an inline element: "title ." reads "title." to a reader.
    return [text(item).replace(" .", ".") for item in find_all(section[0], "li")] if section else []


def test_citations_link_to_a_numbered_sources_list_and_back(client):
    guide = make_sourced_article()
    response = client.get(guide.get_absolute_url())
    assert citations(response) == [
        ("[1]", "#source-first", "cite-first"),
        ("[1]", "#source-first", "cite-first-2"),
        ("[2]", "#source-second", "cite-second"),
    ]
    assertContains(response, 'aria-label="Source 2"')
    items = find_all(find_all(parse(response.content), "ol", **{"class": "sources__list"})[0], "li")
    assert [dict(item.attributes)["id"] for item in items] == ["source-first", "source-second"]
    backs = [dict(find_all(item, "a")[-1].attributes)["href"] for item in items]
    assert backs == ["#cite-first", "#cite-second"]
    accessed = timezone.localdate().strftime("%-d %B %Y")
    assert sources(response) == [
        f"{guide.references.all()[0].title}. Accessed {accessed}. ↩",
        f"Placeholder A. {guide.references.all()[1].title}. Placeholder Journal, 2020. DOI: 10.1000/placeholder."
        " PubMed ID: 12345678. ↩",
    ]
    assertContains(response, 'href="https://example.org/fatigue"')
    assertContains(response, 'href="https://doi.org/10.1000/placeholder"')


def test_sources_are_numbered_in_their_order_and_an_uncited_one_has_no_back_link(client):
    guide = make_article(body="Only the second is cited[^b].\n")
    make_reference(guide, key="a", title="Listed, not cited", order=1)
    make_reference(guide, key="b", title="Cited", order=2, pmid="31452104")
    response = client.get(guide.get_absolute_url())
    assert citations(response) == [("[2]", "#source-b", "cite-b")]
    items = find_all(find_all(parse(response.content), "ol", **{"class": "sources__list"})[0], "li")
    assert [len(find_all(item, "a")) for item in items] == [0, 2]  # no link, no back-link / title and back
    assertContains(response, 'href="https://pubmed.ncbi.nlm.nih.gov/31452104/"')


def test_a_guide_without_sources_has_no_sources_section(client):
    assertNotContains(client.get(make_article().get_absolute_url()), "Sources")


def test_a_citation_whose_source_is_deleted_becomes_plain_text_not_a_broken_link(client):
    guide = make_sourced_article()
    guide.references.get(key="second").delete()
    response = client.get(guide.get_absolute_url())
    assert [target for _, target, _ in citations(response)] == ["#source-first", "#source-first"]
    assertContains(response, "[^second]")
    assertNotContains(response, "#source-second")


def test_a_changed_source_shows_at_once_on_the_cached_guide():
    guide = make_sourced_article()
    assert Client().get(guide.get_absolute_url())["X-Page-Cache"] == "miss"
    assert Client().get(guide.get_absolute_url())["X-Page-Cache"] == "hit"
    reference = guide.references.get(key="first")
    reference.title = "A retitled source"
    reference.save()
    assertContains(Client().get(guide.get_absolute_url()), "A retitled source")


def test_the_callout_is_an_aside_with_a_heading_and_its_content_sanitized():
    rendered = markdown.render("::: see-a-doctor\n- <script>alert(1)</script>\n- [x](javascript:alert(1))\n:::\n")
    page = parse(f"<div>{rendered.html}</div>")
    aside = find_all(page, "aside", **{"class": "callout callout--see-a-doctor"})[0]
    heading = find_all(aside, "h3")[0]
    assert dict(aside.attributes)["aria-labelledby"] == dict(heading.attributes)["id"]
    assert text(heading) == "When to see a doctor"
    assert "&lt;script&gt;" in rendered.html and "<script" not in rendered.html
    assert not find_all(page, "a")  # the javascript: link stays text


@pytest.mark.thorough  # the demo content
def test_the_demo_guide_shows_its_warning_signs_in_the_callout_in_the_seeds_words(client):
    call_command("seed_demo", stdout=io.StringIO())
    response = client.get("/guides/deep-muscle-fatigue/")
    aside = find_all(parse(response.content), "aside", **{"class": "callout callout--see-a-doctor"})[0]
    assert text(aside) == (
        "When to see a doctor Muscle weakness lasts longer than a few days Fatigue occurs without physical "
        "exertion Pain is widespread or severe Accompanied by sleep problems, brain fog, or chronic pain If you "
        "notice these, it’s important to consult a healthcare professional to rule out underlying conditions."
    )
    assert sources(response) == []  # the seed named no sources, so none are invented


# Editors, through the admin: a citation without a source is refused, and bad reference fields are explained.
def guide_form(**changes) -> dict:
    data = {
        "title": "Sleep and recovery", "slug": "sleep-and-recovery", "summary": "How sleep helps.",
        "category": make_category().pk, "body": "Sleep helps[^nhs].\n", "status": "published",
        "author": make_author().pk, "reviewed_by": make_reviewer().pk,
        "last_reviewed": timezone.localdate().isoformat(),
        "published_at_0": "2026-01-01", "published_at_1": "08:00:00",
    }  # fmt: skip
    for prefix in ("faqs", "product_links", "references"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | changes


def with_sources(data: dict, *sources: dict) -> dict:
    data = data | {"references-TOTAL_FORMS": str(len(sources))}
    for number, source in enumerate(sources):
        data |= {f"references-{number}-{name}": value for name, value in source.items()}
    return data


def test_an_editor_adds_three_sources_with_citations_and_publishes(login_as):
    body = "Sleep helps[^nhs]. Rest too[^review][^trial].\n"
    data = with_sources(
        guide_form(body=body),
        {"order": "1", "key": "nhs", "title": "Placeholder page", "url": "https://example.org/sleep"},
        {"order": "2", "key": "review", "title": "Placeholder review", "doi": "10.1000/abc.12", "year": "2021"},
        {"order": "3", "key": "trial", "title": "Placeholder trial", "pmid": "31452104", "accessed": "2026-01-31"},
    )
    response = login_as("Editors").post("/admin/articles/article/add/", data)
    assert response.status_code == 302, response.content.decode()
    guide = Article.objects.get()
    assert list(guide.references.values_list("key", "order")) == [("nhs", 1), ("review", 2), ("trial", 3)]
    page = Client().get(guide.get_absolute_url())
    assert [number for number, _, _ in citations(page)] == ["[1]", "[2]", "[3]"]


def test_citing_a_source_that_does_not_exist_is_refused_and_nothing_is_saved(login_as):
    data = with_sources(guide_form(body="Sleep helps[^nhs] and[^gone].\n"), {"order": "1", "key": "nhs", "title": "A"})
    response = login_as("Editors").post("/admin/articles/article/add/", data)
    assertContains(response, "The body cites [^gone], but no source below has that key: add it or fix the body.")
    assert not Article.objects.exists() and not Reference.objects.exists()


def test_deleting_a_cited_source_in_the_admin_is_refused(login_as):
    guide = make_sourced_article(body="Cited[^first].\n")
    first = guide.references.get(key="first")
    data = guide_form(
        title=guide.title, slug=guide.slug, category=guide.category_id, body=guide.body,
        author=guide.author_id, reviewed_by=guide.reviewed_by_id,
    )  # fmt: skip
    data = with_sources(
        data, {"id": first.pk, "article": guide.pk, "order": "1", "key": "first", "title": "F", "DELETE": "on"}
    )
    data |= {"references-INITIAL_FORMS": "1"}
    response = login_as("Editors").post(f"/admin/articles/article/{guide.pk}/change/", data)
    assertContains(response, "The body cites [^first]")
    assert guide.references.filter(pk=first.pk).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("doi", "doi.org/10.1/x", "A DOI looks like 10.1000/xyz123 (without https://doi.org/)."),
        ("pmid", "PMID123", "A PubMed ID is a number of up to 9 digits, e.g. 31452104."),
        ("url", "not a url", "Enter a valid URL."),
        ("url", "javascript:alert(1)", "Enter a valid URL."),
        ("year", "3000", "Give a year between 1500 and"),
        ("accessed", "2999-01-01", "The accessed date cannot be in the future."),
        ("key", "Not A Key!", "Enter a valid “slug”"),
    ],
)
def test_a_bad_reference_field_is_explained_and_nothing_is_saved(login_as, field, value, message):
    source = {"order": "1", "key": "nhs", "title": "A source"} | {field: value}
    body = "No citation.\n" if field == "key" else "Sleep helps[^nhs].\n"
    response = login_as("Editors").post("/admin/articles/article/add/", with_sources(guide_form(body=body), source))
    assertContains(response, message)
    assert not Article.objects.exists()


# The importer: references in the front matter.
GUIDE = dedent(
    """\
    ---
    title: Sleep and Recovery
    summary: How sleep supports recovery.
    category: Sleep
    author: Placeholder writer
    reviewer: {name: Placeholder reviewer, credentials: Placeholder credentials}
    last_reviewed: 2026-01-31
    status: published
    references:
      - key: nhs
        title: Placeholder page
        url: https://example.org/sleep
        accessed: 2026-01-31
      - key: review
        title: Placeholder review
        authors: Placeholder A, Placeholder B
        publisher: Placeholder Journal
        year: 2021
        doi: 10.1000/abc
    ---
    Sleep helps[^nhs], as a review says[^review].
    """
)


def import_text(tmp_path, content: str) -> Article:
    path = tmp_path / "guide.md"
    path.write_text(content)
    call_command("import_article", path, stdout=io.StringIO())
    return Article.objects.get()


def test_import_creates_the_references_in_order_and_numbers_the_citations(tmp_path, client):
    guide = import_text(tmp_path, GUIDE)
    assert list(guide.references.values_list("key", "year")) == [("nhs", None), ("review", 2021)]
    assert [number for number, _, _ in citations(client.get(guide.get_absolute_url()))] == ["[1]", "[2]"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("as a review says[^review]", "as a review says[^other]"), "the body cites [^other], which no reference"),
        (("doi: 10.1000/abc", "doi: abc"), "reference 2 doi: A DOI looks like"),
        (("  - key: review", "  - key: nhs"), "two references share a key"),
        (
            ("    year: 2021", "    year: 2021\n    journal: X"),
            "Reference 2 has fields we do not know: journal",
        ),
    ],
)
def test_import_with_a_bad_reference_says_what_is_wrong_and_saves_nothing(tmp_path, change, message):
    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("^", r"\^")):
        import_text(tmp_path, GUIDE.replace(*change))
    assert not Article.objects.exists()
