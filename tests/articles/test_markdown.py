import pytest

from articles.markdown import render, sanitize
from tests.factories import make_article, make_faq

pytestmark = pytest.mark.django_db


def test_script_tag_in_the_body_is_not_rendered_as_html():
    article = make_article(body="Hello\n\n<script>alert('x')</script>\n")
    assert "<script" not in article.body_html


def test_javascript_link_in_the_body_is_not_a_link():
    article = make_article(body="[click me](javascript:alert(1))\n")
    assert "<a" not in article.body_html


def test_script_and_javascript_link_in_an_faq_answer_are_removed():
    faq = make_faq(make_article(), answer="<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script" not in faq.answer_html
    assert "<a" not in faq.answer_html


def test_sanitizer_strips_scripts_event_handlers_and_javascript_urls_from_raw_html():
    cleaned = sanitize('<p onclick="steal()">Hi</p><script>x()</script><a href="javascript:x()">link</a>')
    assert cleaned == '<p>Hi</p><a rel="noopener noreferrer">link</a>'


def test_ordered_list_keeps_its_start_number():
    assert '<ol start="3">' in render("3. three\n4. four\n").html


def test_section_headings_get_anchors_and_form_the_contents():
    rendered = render("## What *is* it?\n\ntext\n\n### Detail\n\n## Next step\n")
    assert '<h2 id="what-is-it">What <em>is</em> it?</h2>' in rendered.html
    assert rendered.toc == [{"id": "what-is-it", "title": "What is it?"}, {"id": "next-step", "title": "Next step"}]


def test_body_is_rendered_once_on_save_and_stored():
    article = make_article(body="## Section\n\n**bold**\n")
    article.refresh_from_db()
    assert article.body_html == '<h2 id="section">Section</h2>\n<p><strong>bold</strong></p>\n'
