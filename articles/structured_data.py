"""A guide's JSON-LD (core/structured_data.py): the MedicalWebPage with its people, review and
sources, and the FAQPage of its FAQs, from the rows its page shows."""

import html
from collections.abc import Iterable

from django.utils.html import strip_tags

from articles.models import FAQ, Article, Author, Reference
from core.canonical import absolute_url
from core.structured_data import Node, node, organization


def person(author: Author | None) -> Node | None:
    """A writer or reviewer as the byline shows them (name, then credentials), with their page."""
    if author is None:
        return None
    return node(
        "Person",
        name=author.name,
        url=absolute_url(author.get_absolute_url()),
        honorificSuffix=author.credentials,
        jobTitle=author.role,
    )


def citation(source: Reference) -> Node:
    """A source as the Sources list gives it."""
    return node(
        "CreativeWork",
        name=source.title,
        author=source.authors,
        publisher=source.publisher,
        datePublished=source.year and str(source.year),
        url=source.link,
    )


def plain_text(markup: str) -> str:
    """Rendered Markdown as the text a reader sees."""
    return " ".join(html.unescape(strip_tags(markup)).split())


def guide(article: Article, faqs: Iterable[FAQ], references: Iterable[Reference]) -> list[Node]:
    """The guide's page, and its FAQs when it has some. `faqs` and `references` are the page's own
    querysets, so the body reads the rows fetched here."""
    page = node(
        "MedicalWebPage",
        headline=article.title,
        description=article.summary,
        url=absolute_url(article.get_absolute_url()),
        image=absolute_url(article.hero_image.url) if article.hero_image else None,
        author=person(article.author),
        reviewedBy=person(article.reviewed_by),
        lastReviewed=article.last_reviewed and article.last_reviewed.isoformat(),
        datePublished=article.published_at and article.published_at.isoformat(timespec="seconds"),
        dateModified=article.last_updated.isoformat(timespec="seconds"),
        publisher=organization(),
        citation=[citation(source) for source in references],
    )
    questions = [
        node("Question", name=faq.question, acceptedAnswer=node("Answer", text=plain_text(faq.answer_html)))
        for faq in faqs
    ]
    return [page, node("FAQPage", mainEntity=questions)] if questions else [page]
