"""Editors write, preview, order, publish, restore and rename guides through the admin."""

import pytest
from django import forms
from django.utils import timezone
from pytest_django.asserts import assertContains, assertRedirects

from articles.models import Article
from tests.factories import make_article, make_author, make_category, make_faq, make_product, make_reviewer, png
from tests.html import find_all, parse, text

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/articles/article/add/"


def inline_management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def empty_inlines() -> dict:
    return inline_management("faqs", 0) | inline_management("references", 0) | inline_management("product_links", 0)


def guide_data(**overrides) -> dict:
    data = {
        "title": "Sleep and recovery",
        "slug": "sleep-and-recovery",
        "summary": "How sleep helps muscles recover.",
        "category": make_category().pk,
        "body": "## Why sleep\n\nMuscles repair during sleep.\n",
        "author": make_author().pk,
        "reviewed_by": make_reviewer().pk,
        "last_reviewed": timezone.localdate().isoformat(),
        "status": "draft",
        **inline_management("faqs", 3),
        **inline_management("references", 0),
        **inline_management("product_links", 0),
    }
    for number, question in enumerate(["First?", "Second?", "Third?"]):
        data |= {f"faqs-{number}-order": str(number + 1), f"faqs-{number}-question": question}
        data |= {f"faqs-{number}-answer": f"Answer to {question}"}
    return data | overrides


def form_data(form: forms.Form) -> dict:
    """What a browser would post back for an admin form as it was rendered."""
    data = {}
    for field in form:
        value = field.value()
        if isinstance(field.field, forms.SplitDateTimeField):
            if value:
                local = timezone.localtime(value)
                data[f"{field.name}_0"], data[f"{field.name}_1"] = local.date().isoformat(), local.strftime("%H:%M:%S")
        elif isinstance(field.field, forms.FileField) or value in (None, False):
            continue
        elif value is True:
            data[field.name] = "on"
        else:
            data[field.name] = value
    return data


def faq_questions(response) -> list[str]:
    return [text(s) for s in find_all(parse(response.content), "summary", **{"class": "faq__question"})]


def test_write_reorder_preview_and_publish_a_guide(login_as, client):
    editor = login_as("Editors")
    response = editor.post(ADD_URL, guide_data())
    article = Article.objects.get(slug="sleep-and-recovery")
    assertRedirects(response, "/admin/articles/article/", fetch_redirect_response=False)
    assert [faq.question for faq in article.faqs.all()] == ["First?", "Second?", "Third?"]

    faqs = list(article.faqs.all())
    reorder = guide_data(**inline_management("faqs", 3, initial=3))
    for number, (faq, order) in enumerate(zip(faqs, ["30", "10", "20"], strict=True)):
        reorder |= {f"faqs-{number}-id": str(faq.pk), f"faqs-{number}-article": str(article.pk)}
        reorder |= {f"faqs-{number}-order": order}
    reorder |= {"category": article.category_id, "author": article.author_id, "reviewed_by": article.reviewed_by_id}
    reorder |= {"last_reviewed": article.last_reviewed.isoformat()}
    editor.post(f"/admin/articles/article/{article.pk}/change/", reorder)
    assert [(f.question, f.order) for f in article.faqs.all()] == [("Second?", 1), ("Third?", 2), ("First?", 3)]

    assert editor.get(f"/guides/{article.slug}/preview/").status_code == 200
    editor.logout()
    assert client.get(article.get_absolute_url()).status_code == 404

    login_as("Editors", username="second-editor").post(
        "/admin/articles/article/", {"action": "publish", "_selected_action": [article.pk]}
    )
    client.logout()
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert faq_questions(response) == ["Second?", "Third?", "First?"]


def test_products_mentioned_are_saved_in_order(login_as):
    first, second = make_product(name="Roller"), make_product(name="Mat")
    data = guide_data(**inline_management("product_links", 2))
    data |= {"product_links-0-product": second.pk, "product_links-0-order": "5"}
    data |= {"product_links-1-product": first.pk, "product_links-1-order": "1"}
    login_as("Editors").post(ADD_URL, data)
    assert [p.name for p in Article.objects.get().mentioned_products()] == ["Roller", "Mat"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"summary": "x" * 161}, "Ensure this value has at most 160 characters (it has 161)."),
        ({"status": "published", "author": ""}, "A published guide needs an author."),
        ({"status": "published", "reviewed_by": ""}, "A published guide needs a medical reviewer."),
        ({"status": "published", "last_reviewed": ""}, "Give the date of the medical review."),
        ({"last_reviewed": "2999-01-01"}, "The review date cannot be in the future."),
        ({"hero_image_alt": ""}, "Describe the hero image for people who cannot see it."),
        ({"slug": "taken"}, "Article with this Slug already exists."),
    ],
)
def test_validation_tells_the_editor_what_to_fix(login_as, overrides, message):
    make_article(slug="taken")
    data = guide_data(**overrides)
    if "hero_image_alt" in overrides:
        data["hero_image"] = png(20, 20)
    response = login_as("Editors").post(ADD_URL, data)
    assertContains(response, message)
    assert not Article.objects.filter(title="Sleep and recovery").exists()


ONE_LINE = "Write this on one line, without line breaks, tabs or other control characters."
MULTI_LINE = "Remove the control characters (such as ESC, often pasted from another program) from this text"


@pytest.mark.parametrize(
    ("field", "message"),
    [("title", ONE_LINE), ("summary", ONE_LINE), ("hero_image_alt", ONE_LINE), ("body", MULTI_LINE)],
)
def test_a_control_character_is_refused_with_a_message(login_as, field, message):
    response = login_as("Editors").post(ADD_URL, guide_data(**{field: "Sleep\x1b and recovery"}))
    assertContains(response, message)
    assert not Article.objects.exists()


def added_guide(editor) -> tuple[Article, dict]:
    """A guide the editor added through the admin, and its change form's data as rendered."""
    editor.post(ADD_URL, guide_data(**inline_management("faqs", 0)))
    article = Article.objects.get()
    page = editor.get(f"/admin/articles/article/{article.pk}/change/")
    return article, form_data(page.context["adminform"].form) | empty_inlines()


def test_minor_edit_keeps_the_last_updated_date(login_as):
    editor = login_as("Editors")
    article, data = added_guide(editor)
    before = article.last_updated
    editor.post(f"/admin/articles/article/{article.pk}/change/", data | {"body": "Fixed a typo.", "minor_edit": "on"})
    article.refresh_from_db()
    assert (article.body, article.last_updated) == ("Fixed a typo.", before)
    editor.post(f"/admin/articles/article/{article.pk}/change/", data | {"body": "A real update."})
    article.refresh_from_db()
    assert article.last_updated > before


def test_featuring_a_guide_keeps_its_last_updated_date_and_the_list_filters_by_it(login_as):
    editor = login_as("Editors")
    article, data = added_guide(editor)
    before = article.last_updated
    editor.post(f"/admin/articles/article/{article.pk}/change/", data | {"featured": "on"})
    article.refresh_from_db()
    assert (article.featured, article.last_updated) == (True, before)
    make_article(title="Not featured")
    featured = editor.get("/admin/articles/article/?featured__exact=1")
    assert [text(a) for a in find_all(parse(featured.content), "th", **{"class": "field-title"})] == [article.title]


def test_an_earlier_version_can_be_viewed_and_restored(login_as):
    editor = login_as("Editors")
    editor.post(ADD_URL, guide_data(**inline_management("faqs", 0)))
    article = Article.objects.get()
    change_url = f"/admin/articles/article/{article.pk}/change/"
    data = form_data(editor.get(change_url).context["adminform"].form) | empty_inlines()
    editor.post(change_url, data | {"title": "A worse title"})
    assert Article.objects.get().title == "A worse title"

    assertContains(editor.get(f"/admin/articles/article/{article.pk}/history/"), "staff-Editors")
    first_version = article.history.earliest()
    assert first_version.history_user.username == "staff-Editors"
    version_url = f"/admin/articles/article/{article.pk}/history/{first_version.history_id}/"
    old = editor.get(version_url)
    assertContains(old, 'value="Sleep and recovery"')
    editor.post(version_url, form_data(old.context["adminform"].form))
    assert Article.objects.get().title == "Sleep and recovery"
    assert article.history.count() == 3


def test_renaming_a_published_guide_keeps_the_old_address(login_as, client):
    editor = login_as("Editors")
    editor.post(ADD_URL, guide_data(**inline_management("faqs", 0), status="published"))
    article = Article.objects.get()
    change_url = f"/admin/articles/article/{article.pk}/change/"
    data = form_data(editor.get(change_url).context["adminform"].form) | empty_inlines()
    editor.post(change_url, data | {"slug": "sleep-guide"})
    editor.logout()
    response = client.get("/guides/sleep-and-recovery/")
    assert response.status_code == 301
    assert response["Location"] == "/guides/sleep-guide/"
    assert client.get("/guides/sleep-guide/").status_code == 200


def test_list_marks_scheduled_guides_and_filters_reviews_due(login_as, settings):
    settings.REVIEW_PERIOD_DAYS = 30
    make_article(title="Scheduled, due", published_at=timezone.now() + timezone.timedelta(days=1), last_reviewed=None)
    make_article(title="Reviewed long ago", last_reviewed=timezone.localdate() - timezone.timedelta(days=30))
    make_article(title="Reviewed lately", last_reviewed=timezone.localdate() - timezone.timedelta(days=29))
    make_article(title="A draft", status="draft", last_reviewed=None)
    listing = login_as("Editors").get("/admin/articles/article/")
    assertContains(listing, "Scheduled")
    assertContains(listing, "Publish time (UTC)")
    due = login_as("Editors", username="other").get("/admin/articles/article/?review=due")
    assert [text(a) for a in find_all(parse(due.content), "th", **{"class": "field-title"})] == [
        "Scheduled, due",
        "Reviewed long ago",
    ]


def test_change_form_links_to_the_preview_and_view_on_site_only_when_live(login_as):
    draft = make_article(status="draft", published_at=None)
    live = make_article()
    editor = login_as("Editors")
    draft_page = editor.get(f"/admin/articles/article/{draft.pk}/change/")
    assertContains(draft_page, f'href="/guides/{draft.slug}/preview/"')
    assert "View on site" not in draft_page.content.decode()
    assertContains(editor.get(f"/admin/articles/article/{live.pk}/change/"), "View on site")


def test_publish_action_refuses_guides_without_reviewer(login_as):
    article = make_article(status="draft", published_at=None, author=make_author())
    login_as("Editors").post("/admin/articles/article/", {"action": "publish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == "draft"


def test_faq_history_records_who_changed_it(login_as):
    faq = make_faq(make_article(), question="Old?")
    assert faq.history.count() == 1
