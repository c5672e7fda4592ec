"""Import a guide, or an editorial page, from a Markdown file with YAML front matter.

The front matter holds the metadata and the FAQs; the Markdown below it is the body:

    ---
    title: What Causes Deep Muscle Fatigue (Even After Rest)?
    slug: deep-muscle-fatigue          # optional, made from the title
    summary: One sentence, at most 160 characters.
    category: Muscle & Recovery
    author: Name                       # optional; or a mapping: {name: ..., credentials: ..., role: ...}
    reviewer: Name                     # optional, the medical reviewer (a name or a mapping, as author)
    last_reviewed: 2026-01-31          # optional
    status: published                  # or draft (the default)
    published_at: 2026-02-01T08:00:00Z # optional, may lie in the future
    featured: true                     # optional: first on the home page (a replaced guide keeps its own)
    faqs:
      - question: ...
        answer: ...                    # Markdown
    references:                        # optional; the body cites each as [^key]
      - key: nhs-fatigue
        title: ...
        authors: ...                   # optional, as are the fields below
        publisher: ...
        year: 2024
        url: https://...
        doi: 10.1000/xyz123
        pmid: 31452104
        accessed: 2026-01-31
    ---
    ## Introduction
    ...

An editorial page's file (articles/content/pages/about.md) is named for its slug, and its front
matter has less: title, summary, and optionally footer_order and show_in_footer (true unless said).
"""

import datetime
from pathlib import Path

import frontmatter
import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from articles import markdown
from articles.models import FAQ, Article, Author, Category, EditorialPage, Reference

REFERENCE_FIELDS = ("key", "authors", "title", "publisher", "year", "url", "doi", "pmid", "accessed")


class ArticleImportError(Exception):
    """The file cannot become a guide (or page); the message says why."""


def _read(path: Path) -> frontmatter.Post:
    try:
        return frontmatter.load(path)
    except FileNotFoundError:
        raise ArticleImportError(f"{path}: no such file.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ArticleImportError(f"{path}: the front matter is not valid YAML ({error}).") from None


def _require(path: Path, meta: dict, *keys: str) -> None:
    for key in keys:
        if not meta.get(key):
            raise ArticleImportError(f"{path}: the front matter needs '{key}'.")


def _validate(path: Path, instance: Article | EditorialPage) -> None:
    """full_clean(), its errors as one message that says what to fix."""
    try:
        instance.full_clean()
    except ValidationError as error:
        messages = "; ".join(f"{field}: {' '.join(errors)}" for field, errors in error.message_dict.items())
        raise ArticleImportError(f"{path}: {messages}") from None


def _person(entry: object) -> Author | None:
    """The person a front matter entry names (a name, or a mapping with a name), created if new. Details
    given in a mapping fill in what a person found by name has blank; they never overwrite."""
    details = entry if isinstance(entry, dict) else {"name": entry}
    name = str(details.get("name") or "").strip()
    if not name:
        return None
    person, _ = Author.objects.get_or_create(name=name)
    for field in ("credentials", "role", "bio"):
        if details.get(field) and not getattr(person, field):
            setattr(person, field, str(details[field]).strip())
            person.save()
    return person


def _references(meta: dict) -> list[Reference]:
    entries = meta.get("references") or []
    if not isinstance(entries, list) or not all(isinstance(entry, dict) for entry in entries):
        raise ArticleImportError("'references' must be a list of mappings, each with a 'key' and a 'title'.")
    references = []
    for number, entry in enumerate(entries, start=1):
        unknown = set(entry) - set(REFERENCE_FIELDS)
        if unknown:
            raise ArticleImportError(f"Reference {number} has fields we do not know: {', '.join(sorted(unknown))}.")
        fields = {name: "" if value is None else value for name, value in entry.items()}
        references.append(Reference(order=number, **{name: value for name, value in fields.items() if value != ""}))
    return references


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


def _check_references(path: Path, article: Article, references: list[Reference]) -> None:
    problems = []
    for number, reference in enumerate(references, start=1):
        try:
            reference.full_clean(exclude=["article"])
        except ValidationError as error:
            problems += [f"reference {number} {name}: {' '.join(text)}" for name, text in error.message_dict.items()]
    keys = [reference.key for reference in references]
    if len(set(keys)) != len(keys):
        problems.append("two references share a key")
    missing = markdown.render(article.body, dict.fromkeys(keys, 0)).missing
    if missing:
        cited = ", ".join(f"[^{key}]" for key in missing)
        problems.append(f"the body cites {cited}, which no reference has as its key")
    if problems:
        raise ArticleImportError(f"{path}: {'; '.join(problems)}.")


def import_article(
    path: Path, *, replace: bool = False, last_reviewed: datetime.date | None = None
) -> tuple[Article, bool]:
    """Create the guide in `path` (or replace it when `replace`); return it and whether it was created.
    `last_reviewed` is the review date for a file that gives none."""
    post = _read(path)
    meta = post.metadata
    _require(path, meta, "title", "summary", "category")
    slug = str(meta.get("slug") or slugify(str(meta["title"])))
    existing = Article.objects.filter(slug=slug).first()
    if existing and not replace:
        raise ArticleImportError(f"A guide with the slug '{slug}' exists already; pass --replace to overwrite it.")
    faqs = _faqs(meta)
    references = _references(meta)

    with transaction.atomic():
        category, _ = Category.objects.get_or_create(
            name=str(meta["category"]).strip(), defaults={"slug": slugify(str(meta["category"]))}
        )
        article = existing or Article(slug=slug)
        article.title = str(meta["title"]).strip()
        article.summary = str(meta["summary"]).strip()
        article.body = post.content.strip() + "\n"
        article.category = category
        article.author = _person(meta.get("author"))
        article.reviewed_by = _person(meta.get("reviewer"))
        reviewed = meta.get("last_reviewed") or last_reviewed
        # YAML reads 2026-01-31 as a date; anything else is text for full_clean() to parse or refuse.
        article.last_reviewed = reviewed if isinstance(reviewed, datetime.date) else str(reviewed or "") or None
        article.status = str(meta.get("status") or Article.Status.DRAFT)
        article.published_at = _datetime(meta.get("published_at")) or article.published_at
        if "featured" in meta:
            if not isinstance(meta["featured"], bool):
                raise ArticleImportError(f"{path}: 'featured' is true or false, not '{meta['featured']}'.")
            article.featured = meta["featured"]
        article.last_updated = timezone.now()
        _validate(path, article)
        _check_references(path, article, references)
        article.save()
        article.faqs.all().delete()
        for order, (question, answer) in enumerate(faqs, start=1):
            FAQ.objects.create(article=article, question=question, answer=answer, order=order)
        article.references.all().delete()
        for reference in references:
            reference.article = article
            reference.save()
    return article, existing is None


def import_page(path: Path) -> EditorialPage:
    """Create the editorial page in `path` (about.md: /about/); a page with its slug must not exist yet."""
    post = _read(path)
    meta = post.metadata
    _require(path, meta, "title", "summary")
    page = EditorialPage(
        slug=path.stem,
        title=str(meta["title"]).strip(),
        summary=str(meta["summary"]).strip(),
        body=post.content.strip() + "\n",
        footer_order=str(meta.get("footer_order", 0)),  # full_clean() makes it a number or says why not
        show_in_footer=bool(meta.get("show_in_footer", True)),
    )
    _validate(path, page)
    page.save()
    return page
