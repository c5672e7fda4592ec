"""Import a guide from a Markdown file with YAML front matter.

The front matter holds the metadata and the FAQs; the Markdown below it is the body:

    ---
    title: What Causes Deep Muscle Fatigue (Even After Rest)?
    slug: deep-muscle-fatigue          # optional, made from the title
    summary: One sentence, at most 160 characters.
    category: Muscle & Recovery
    author: Name                       # optional
    reviewer: Name                     # optional, the medical reviewer
    last_reviewed: 2026-01-31          # optional
    status: published                  # or draft (the default)
    published_at: 2026-02-01T08:00:00Z # optional, may lie in the future
    faqs:
      - question: ...
        answer: ...                    # Markdown
    ---
    ## Introduction
    ...
"""

import datetime
from pathlib import Path

import frontmatter
import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles.models import FAQ, Article, Author, Category


class ArticleImportError(Exception):
    """The file cannot become a guide; the message says why."""


def _read(path: Path) -> frontmatter.Post:
    try:
        return frontmatter.load(path)
    except FileNotFoundError:
        raise ArticleImportError(f"{path}: no such file.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ArticleImportError(f"{path}: the front matter is not valid YAML ({error}).") from None


def _author(name: object) -> Author | None:
    if not name:
        return None
    author, _ = Author.objects.get_or_create(name=str(name).strip())
    return author


def _faqs(meta: dict) -> list[tuple[str, str]]:
    faqs = meta.get("faqs") or []
    if not isinstance(faqs, list):
        raise ArticleImportError("'faqs' must be a list of question/answer pairs.")
    pairs = []
    for number, item in enumerate(faqs, start=1):
        if not isinstance(item, dict) or not item.get("question") or not item.get("answer"):
            raise ArticleImportError(f"FAQ {number} needs both a 'question' and an 'answer'.")
        pairs.append((str(item["question"]).strip(), str(item["answer"]).strip()))
    return pairs


def _datetime(value: object) -> datetime.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        moment = value
    elif isinstance(value, datetime.date):
        moment = datetime.datetime.combine(value, datetime.time())
    else:
        try:
            moment = datetime.datetime.fromisoformat(str(value))
        except ValueError:
            raise ArticleImportError(f"'{value}' is not a date and time (use 2026-02-01T08:00:00Z).") from None
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


def import_article(path: Path, *, replace: bool = False) -> tuple[Article, bool]:
    """Create the guide in `path` (or replace it when `replace`); return it and whether it was created."""
    post = _read(path)
    meta = post.metadata
    for key in ("title", "summary", "category"):
        if not meta.get(key):
            raise ArticleImportError(f"{path}: the front matter needs '{key}'.")
    slug = str(meta.get("slug") or slugify(str(meta["title"])))
    existing = Article.objects.filter(slug=slug).first()
    if existing and not replace:
        raise ArticleImportError(f"A guide with the slug '{slug}' exists already; pass --replace to overwrite it.")
    faqs = _faqs(meta)

    with transaction.atomic():
        category, _ = Category.objects.get_or_create(
            name=str(meta["category"]).strip(), defaults={"slug": slugify(str(meta["category"]))}
        )
        article = existing or Article(slug=slug)
        article.title = str(meta["title"]).strip()
        article.summary = str(meta["summary"]).strip()
        article.body = post.content.strip() + "\n"
        article.category = category
        article.author = _author(meta.get("author"))
        article.reviewed_by = _author(meta.get("reviewer"))
        reviewed = meta.get("last_reviewed")
        # YAML reads 2026-01-31 as a date; anything else is text for full_clean() to parse or refuse.
        article.last_reviewed = reviewed if isinstance(reviewed, datetime.date) else str(reviewed or "") or None
        article.status = str(meta.get("status") or Article.Status.DRAFT)
        article.published_at = _datetime(meta.get("published_at")) or article.published_at
        article.last_updated = timezone.now()
        try:
            article.full_clean()
        except ValidationError as error:
            messages = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in error.message_dict.items())
            raise ArticleImportError(f"{path}: {messages}") from None
        article.save()
        article.faqs.all().delete()
        for order, (question, answer) in enumerate(faqs, start=1):
            FAQ.objects.create(article=article, question=question, answer=answer, order=order)
    return article, existing is None
