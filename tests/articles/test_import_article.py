import io
from textwrap import dedent

import pytest
from django.core.management import CommandError, call_command

from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

GUIDE = dedent(
    """\
    ---
    title: Sleep and Muscle Recovery
    summary: How sleep supports recovery, in plain words.
    category: Sleep
    author: Demo author (placeholder)
    reviewer:
      name: Demo reviewer (placeholder)
      credentials: Placeholder credentials
    last_reviewed: 2026-01-31
    status: published
    faqs:
      - question: How long should I sleep?
        answer: Ask your **doctor** what suits you.
      - question: Do naps count?
        answer: Short naps can help some people.
    ---
    ## Why sleep matters

    Muscles repair during sleep.
    """
)


@pytest.fixture
def guide_file(tmp_path):
    def write(text: str = GUIDE):
        path = tmp_path / "guide.md"
        path.write_text(text)
        return path

    return write


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_article", *args, stdout=out)
    return out.getvalue()


def test_import_creates_a_published_guide_with_its_faqs(guide_file, client):
    output = run(guide_file())
    article = Article.objects.get(slug="sleep-and-muscle-recovery")
    assert output.strip() == "Imported 'Sleep and Muscle Recovery' (2 FAQs) at /guides/sleep-and-muscle-recovery/"
    assert article.category.name == "Sleep"
    assert [faq.answer_html for faq in article.faqs.all()] == [
        "<p>Ask your <strong>doctor</strong> what suits you.</p>\n",
        "<p>Short naps can help some people.</p>\n",
    ]
    assert client.get("/guides/sleep-and-muscle-recovery/").status_code == 200


def test_import_refuses_to_overwrite_an_existing_slug(guide_file):
    make_article(slug="sleep-and-muscle-recovery", title="Kept")
    with pytest.raises(CommandError, match="exists already; pass --replace"):
        run(guide_file())
    assert Article.objects.get(slug="sleep-and-muscle-recovery").title == "Kept"


def test_import_with_replace_updates_the_guide_and_its_faqs(guide_file):
    run(guide_file())
    run(guide_file(GUIDE.replace("Do naps count?", "Are naps useful?")), "--replace")
    article = Article.objects.get()
    assert [faq.question for faq in article.faqs.all()] == ["How long should I sleep?", "Are naps useful?"]


def test_import_features_a_guide_that_says_so_and_a_replace_without_the_key_keeps_it(guide_file):
    run(guide_file(GUIDE.replace("status: published\n", "status: published\nfeatured: true\n")))
    assert Article.objects.get().featured is True
    run(guide_file(), "--replace")  # no `featured`: the editor's choice stands
    assert Article.objects.get().featured is True
    run(guide_file(GUIDE.replace("status: published\n", "status: published\nfeatured: false\n")), "--replace")
    assert Article.objects.get().featured is False


def test_import_with_featured_not_true_or_false_says_so(guide_file):
    with pytest.raises(CommandError, match="'featured' is true or false, not 'sometimes'"):
        run(guide_file(GUIDE.replace("status: published\n", "status: published\nfeatured: sometimes\n")))
    assert not Article.objects.exists()


def test_import_without_a_title_says_what_is_missing(guide_file):
    with pytest.raises(CommandError, match="the front matter needs 'title'"):
        run(guide_file(GUIDE.replace("title: Sleep and Muscle Recovery\n", "")))
    assert not Article.objects.exists()


def test_import_with_a_long_summary_says_what_to_fix(guide_file):
    with pytest.raises(CommandError, match="summary: Ensure this value has at most 160 characters"):
        run(guide_file(GUIDE.replace("How sleep supports recovery, in plain words.", "x" * 161)))
    assert not Article.objects.exists()


def test_import_of_a_faq_without_answer_is_refused(guide_file):
    with pytest.raises(CommandError, match="FAQ 2 needs both a 'question' and an 'answer'"):
        run(guide_file(GUIDE.replace("    answer: Short naps can help some people.\n", "")))
    assert not Article.objects.exists()


def test_import_of_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "absent.md")
