"""Who wrote and who checked a guide, and when: person pages, the byline, the publishing rules and
the review cycle (the guide's foot, manage.py review_due, the admin index)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from articles.models import Article, Author
from tests.factories import make_article, make_author, make_reviewer, png
from tests.html import find_all, parse, text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def writer():
    return make_author(name="Writer Placeholder", role="Health writer", bio="Writes guides.")


@pytest.fixture
def reviewer():
    return make_reviewer(name="Reviewer Placeholder", credentials="Placeholder MD", role="Medical reviewer")


def byline(response) -> list[str]:
    items = find_all(parse(response.content), "ul", **{"class": "guide__meta"})[0].children
    return [text(item).replace(" ,", ",") for item in items]  # the parser spaces out the end of a link


def test_the_byline_links_both_people_and_gives_the_reviewers_credentials_and_date(client, writer, reviewer):
    guide = make_article(author=writer, reviewed_by=reviewer, last_reviewed=TODAY() - timedelta(days=3))
    response = client.get(guide.get_absolute_url())
    reviewed_on = (TODAY() - timedelta(days=3)).strftime("%-d %B %Y")
    assert byline(response)[:2] == [
        "By Writer Placeholder",
        f"Medically reviewed by Reviewer Placeholder, Placeholder MD on {reviewed_on}",
    ]
    assertContains(response, '<a href="/people/writer-placeholder/">Writer Placeholder</a>', html=True)
    assertContains(response, '<a href="/people/reviewer-placeholder/">Reviewer Placeholder</a>', html=True)


def test_the_guide_foot_gives_the_last_and_the_next_review(client, settings):
    settings.REVIEW_PERIOD_DAYS = 365
    guide = make_article(last_reviewed=timezone.datetime(2026, 3, 2).date())
    foot = find_all(parse(client.get(guide.get_absolute_url()).content), "footer", **{"class": "guide__review"})[0]
    assert text(foot) == "Page last reviewed: 2 March 2026 · Next review due: 2 March 2027"
    assert [dict(time.attributes)["datetime"] for time in find_all(foot, "time")] == ["2026-03-02", "2027-03-02"]


def test_a_person_page_lists_only_their_published_guides_with_their_part_in_each(client, writer, reviewer):
    written = make_article(title="Written and live", author=writer, reviewed_by=reviewer)
    make_article(title="Written, a draft", author=writer, reviewed_by=reviewer, status="draft")
    make_article(title="Written, scheduled", author=writer, reviewed_by=reviewer,
                 published_at=timezone.now() + timedelta(days=2))  # fmt: skip
    reviewed = make_article(title="Reviewed and live", author=make_author(), reviewed_by=writer)
    response = client.get(writer.get_absolute_url())
    page = parse(response.content)
    assert text(find_all(page, "h1")[0]) == "Writer Placeholder"
    assertContains(response, "Health writer")
    assertContains(response, "Writes guides.")
    (section,) = find_all(page, "section", **{"aria-labelledby": "guides-title"})
    assert text(find_all(section, "h2")[0]) == "Guides Writer Placeholder wrote or reviewed (2)"
    cards = [(text(find_all(card, "a")[0]), text(find_all(card, "p", **{"class": "card__meta"})[0]))
             for card in find_all(section, "article")]  # fmt: skip
    assert cards == [
        (reviewed.title, f"Medically reviewed · {reviewed.reading_time} min read"),
        (written.title, f"Written · {written.reading_time} min read"),
    ]
    reviewer_page = parse(client.get(reviewer.get_absolute_url()).content)
    assert [text(find_all(card, "a")[0]) for card in find_all(reviewer_page, "article", **{"class": "card"})] == [
        written.title
    ]


def test_a_person_page_without_published_guides_says_so(client, writer):
    make_article(author=writer, status="draft")
    (section,) = find_all(parse(client.get(writer.get_absolute_url()).content), "section")
    assert text(section) == "Guides Writer Placeholder wrote or reviewed None yet."


def test_a_person_page_is_paginated_at_twelve_guides_with_the_same_queries(
    client, settings, writer, reviewer, django_assert_num_queries
):
    for number in range(13):
        make_article(title=f"Guide {number:02}", author=writer, reviewed_by=reviewer)
    settings.PAGE_CACHE_SECONDS = 0  # every visit rendered, as the first after a change is
    for page, titles in (("", 12), ("?page=2", 1)):
        with django_assert_num_queries(4):  # the person, the count, the page's guides, the footer's links
            response = client.get(f"{writer.get_absolute_url()}{page}")
        assert len(find_all(parse(response.content), "article", **{"class": "card"})) == titles
    assertContains(response, "Page 2 of 2")
    assert client.get(f"{writer.get_absolute_url()}?page=3").status_code == 404


def test_an_unknown_person_is_a_404(client):
    assert client.get("/people/nobody/").status_code == 404


def test_a_person_with_the_same_name_gets_their_own_address():
    first, second = make_author(name="Sam Placeholder"), make_author(name="Sam Placeholder")
    assert (first.slug, second.slug) == ("sam-placeholder", "sam-placeholder-2")


def test_a_person_photo_needs_alt_text_and_is_stored_re_encoded(login_as):
    editor = login_as("Editors")
    data = {"name": "Pat Placeholder", "slug": "pat-placeholder", "role": "", "credentials": "", "bio": ""}
    response = editor.post("/admin/articles/author/add/", data | {"photo": png(40, 40)})
    assertContains(response, "Describe the photo for people who cannot see it.")
    assert not Author.objects.exists()
    editor.post("/admin/articles/author/add/", data | {"photo": png(40, 40), "photo_alt": "Pat, smiling"})
    person = Author.objects.get()
    assert person.photo.name.endswith(".webp") and (person.photo_width, person.photo_height) == (40, 40)
    page = Client().get(person.get_absolute_url())
    assertContains(page, 'alt="Pat, smiling"')


def test_a_changed_person_shows_at_once_on_cached_pages(writer, reviewer):
    guide = make_article(author=writer, reviewed_by=reviewer)
    assert Client().get(guide.get_absolute_url())["X-Page-Cache"] == "miss"
    assert Client().get(guide.get_absolute_url())["X-Page-Cache"] == "hit"
    reviewer.credentials = "Placeholder MD, placeholder board"
    reviewer.save()
    assertContains(Client().get(guide.get_absolute_url()), "Placeholder MD, placeholder board")
    assertContains(Client().get(reviewer.get_absolute_url()), "Placeholder MD, placeholder board")


# Publishing rules: the admin form says what to fix, and nothing is saved.
def edit(editor, guide: Article, **changes):
    data = {
        "title": guide.title, "slug": guide.slug, "summary": guide.summary, "category": guide.category_id,
        "body": guide.body, "status": "published", "author": guide.author_id or "",
        "reviewed_by": guide.reviewed_by_id or "", "last_reviewed": guide.last_reviewed or "",
        "published_at_0": "2026-01-01", "published_at_1": "08:00:00",
    }  # fmt: skip
    for prefix in ("faqs", "references", "product_links"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return editor.post(f"/admin/articles/article/{guide.pk}/change/", data | changes)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("same person", "The medical reviewer must be someone other than the author."),
        ("no credentials", "The medical reviewer needs credentials: add them on their person page."),
        ("no review date", "Give the date of the medical review."),
        ("future review date", "The review date cannot be in the future."),
    ],
)
def test_a_published_guide_breaking_a_rule_is_refused_with_what_to_fix(login_as, writer, reviewer, change, message):
    guide = make_article(author=writer, reviewed_by=reviewer, title="Before")
    changes = {
        "same person": {"reviewed_by": writer.pk},
        "no credentials": {"reviewed_by": make_author().pk},
        "no review date": {"last_reviewed": ""},
        "future review date": {"last_reviewed": (TODAY() + timedelta(days=1)).isoformat()},
    }[change]
    response = edit(login_as("Editors"), guide, title="After", **changes)
    assertContains(response, message)
    guide.refresh_from_db()
    assert guide.title == "Before"


def test_the_publish_action_refuses_a_guide_breaking_a_rule_and_says_why(login_as, writer):
    reviewed = TODAY()
    draft = make_article(
        title="Self-reviewed", status="draft", author=writer, reviewed_by=writer, last_reviewed=reviewed
    )
    ready = make_article(
        title="Ready", status="draft", author=writer, reviewed_by=make_reviewer(), last_reviewed=reviewed
    )
    editor = login_as("Editors")
    response = editor.post(
        "/admin/articles/article/", {"action": "publish", "_selected_action": [draft.pk, ready.pk]}, follow=True
    )
    assertContains(response, "Published 1 guide(s).")
    assertContains(
        response, "Not published: Self-reviewed (The medical reviewer must be someone other than the author.)"
    )
    assert set(Article.objects.filter(status="published").values_list("title", flat=True)) == {"Ready"}


# The review cycle: one definition of "due" for the command, the admin filter and the admin index.
@pytest.fixture
def reviews(settings):
    settings.REVIEW_PERIOD_DAYS = 30
    return {
        "overdue": make_article(title="Overdue", last_reviewed=TODAY() - timedelta(days=31)),
        "due today": make_article(title="Due today", last_reviewed=TODAY() - timedelta(days=30)),
        "due in 5 days": make_article(title="Due in five days", last_reviewed=TODAY() - timedelta(days=25)),
        "fresh": make_article(title="Fresh", last_reviewed=TODAY() - timedelta(days=1)),
        "draft": make_article(title="A draft", status="draft", last_reviewed=None),
    }


def review_due(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("review_due", *args, stdout=out)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_review_due_lists_the_guides_due_with_their_reviewer_and_exits_1(reviews):
    status, output = review_due()
    lines = output.splitlines()
    assert status == 1
    assert [line.split("  ")[1].split(" (")[0] for line in lines[:-1]] == ["Overdue", "Due today"]
    assert reviews["overdue"].reviewed_by.name in lines[0]
    assert lines[-1] == "2 guides due for medical review now."


def test_review_due_within_days_adds_the_reviews_coming_up(reviews):
    status, output = review_due("--within", "5")
    assert status == 1
    assert "Due in five days" in output and "Fresh" not in output
    assert output.splitlines()[-1] == "3 guides due for medical review now or within 5 days."


def test_review_due_with_nothing_due_exits_0():
    make_article(last_reviewed=TODAY())
    assert review_due() == (0, "0 guides due for medical review now.\n")


def test_review_due_refuses_a_negative_window():
    with pytest.raises(Exception, match="--within must be a whole number of days, 0 or more."):
        review_due("--within", "-1")


def test_the_admin_index_tells_editors_how_many_reviews_are_due(login_as, reviews):
    index = login_as("Editors").get("/admin/")
    notice = find_all(parse(index.content), "p", **{"class": "errornote"})[0]
    assert text(notice).startswith("2 guides due for medical review")
    due = login_as("Editors", username="second").get(dict(find_all(notice, "a")[0].attributes)["href"])
    assertContains(due, "Overdue")
    assertNotContains(due, "Due in five days")


def test_the_admin_index_says_nothing_when_no_review_is_due(login_as):
    make_article(last_reviewed=TODAY())
    assertNotContains(login_as("Editors").get("/admin/"), "due for medical review")
