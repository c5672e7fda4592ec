"""Site search, as each searchable model uses it (guides and products): which fields it weighs, the
stored vector and its index, the query and the snippet that quotes it.

On PostgreSQL: full-text search over a weighted vector stored on each row (title A, then B, then C),
GIN-indexed, with websearch syntax, ranking and highlighted snippets. On any other database (SQLite in
development and the fast tests): every word of the query must appear somewhere in the fields, case
aside, and rows with a word in their title come first; the snippet is an excerpt around the first
match. Both mark the words found with <mark>, the text escaped first.

A search's queries run under time_limited(): on PostgreSQL a statement that takes longer than
SEARCH_STATEMENT_TIMEOUT_MS is cut by the database itself, so that a costly query (many common words,
or words and exclusions that match most rows) cannot hold a connection and the CPU for everyone.
"""

import html
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce
from operator import add, and_, or_
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import OperationalError, connections, models, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Concat
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

CONFIG = "english"
MAX_QUERY_LENGTH = 200
MAX_FALLBACK_WORDS = 10  # the SQLite fallback's condition grows with each word
SNIPPET_CHARACTERS = 220
# What the database puts around a word found, replaced by <mark> once the snippet is escaped: characters
# from Unicode's private use area, which no guide or product is written with.
START, STOP = "\ue000", "\ue001"
WORD = re.compile(r"\w+")
LINE_END = re.compile(r"</h[1-6]>|<br\s*/?>", re.IGNORECASE)
BLOCK_END = re.compile(r"</(p|li|ul|ol|blockquote|aside|div|td|th|tr|table|pre)>", re.IGNORECASE)

logger = logging.getLogger(__name__)
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement cut by statement_timeout

Rows = TypeVar("Rows", bound=models.QuerySet)


class TookTooLong(Exception):
    """The database cut a search's query after SEARCH_STATEMENT_TIMEOUT_MS."""


def uses_full_text(using: str = "default") -> bool:
    """True if the database `using` searches with PostgreSQL's full-text search (else the fallback)."""
    return connections[using].vendor == "postgresql"


@contextmanager
def time_limited(using: str = "default") -> Iterator[None]:
    """Run the block's queries in a transaction in which PostgreSQL cuts any statement after
    SEARCH_STATEMENT_TIMEOUT_MS, and raise TookTooLong for one it cut. The setting is the transaction's
    own (set_config(..., true), as SET LOCAL), so the connection goes back to the pool without it (inside
    an outer transaction, a test's, it lasts until that one ends). On
    the fallback (SQLite), whose condition MAX_FALLBACK_WORDS bounds, the block runs as it is."""
    milliseconds = settings.SEARCH_STATEMENT_TIMEOUT_MS
    if not (milliseconds and uses_full_text(using)):
        yield
        return
    try:
        with transaction.atomic(using=using):
            with connections[using].cursor() as cursor:
                cursor.execute("SELECT set_config('statement_timeout', %s, true)", [f"{milliseconds}ms"])
            yield
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == QUERY_CANCELED:
            # Without the query: what a visitor searches for may say something about their health.
            logger.warning("A search was cut by its statement timeout (%s ms)", milliseconds)
            raise TookTooLong from error
        raise


def plain_text(markup: str) -> str:
    """HTML as the text a reader sees, for search to match and quote; a heading or a line break ends with
    a dash, so that a snippet does not run it into the next sentence."""
    spaced = BLOCK_END.sub(" ", LINE_END.sub(" — ", markup))
    return " ".join(html.unescape(strip_tags(spaced)).split())


def words_of(query: str) -> list[str]:
    """The words of a query (letters and digits in any script), without its operators and punctuation."""
    return WORD.findall(query)


class VectorIndex(GinIndex):
    """The GIN index of a stored search vector. Only PostgreSQL has GIN; elsewhere (SQLite, where the
    column stays empty) it is created as a plain index, so that every migration runs on both."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "postgresql":
            return models.Index.create_sql(self, model, schema_editor, using=using, **kwargs)
        return super().create_sql(model, schema_editor, using=using, **kwargs)


@dataclass(frozen=True)
class Searchable:
    """How one model is searched: its fields with their weights ("A" the strongest, then "B", "C"),
    and the fields its snippet quotes, in order. The model stores its vector in `search_vector`."""

    weights: dict[str, str]
    quoted: tuple[str, ...]

    def vector(self) -> Any:
        """The weighted vector of a row's fields, as stored in `search_vector` (PostgreSQL only)."""
        return reduce(add, (SearchVector(name, weight=weight, config=CONFIG) for name, weight in self.weights.items()))

    def update_vectors(self, queryset: models.QuerySet) -> None:
        """Store the vector of each row of `queryset` (nothing to store on a database without full-text
        search). For what save() does not see: a bulk update, a related row's change, a migration."""
        if uses_full_text(queryset.db):
            queryset.update(search_vector=self.vector())

    def quoted_text(self) -> Any:
        """The fields the snippet quotes, joined by spaces, as the database computes them: a row need
        not be loaded with them (a list defers its long text)."""
        parts: list[Any] = []
        for name in self.quoted:
            parts += [Value(" "), F(name)] if parts else [F(name)]
        return Concat(*parts, output_field=models.TextField())

    def search(self, queryset: Rows, query: str) -> Rows:
        """The rows of `queryset` that match `query`, best first, each with `headline` on PostgreSQL
        and `quoted` (the text to take a snippet from) elsewhere."""
        if uses_full_text(queryset.db):
            found = SearchQuery(query, search_type="websearch", config=CONFIG)
            return (
                queryset.filter(search_vector=found)
                .annotate(
                    rank=SearchRank(F("search_vector"), found),
                    headline=SearchHeadline(
                        self.quoted_text(),
                        found,
                        config=CONFIG,
                        start_sel=START,
                        stop_sel=STOP,
                        max_words=30,
                        min_words=15,
                        max_fragments=2,
                        fragment_delimiter=" … ",
                    ),
                )
                .order_by("-rank", "pk")
            )
        words = words_of(query)[:MAX_FALLBACK_WORDS]
        if not words:
            return queryset.none()
        strongest = [name for name, weight in self.weights.items() if weight == "A"]
        each_word = (reduce(or_, (Q(**{f"{name}__icontains": word}) for name in self.weights)) for word in words)
        in_title = reduce(or_, (Q(**{f"{name}__icontains": word}) for name in strongest for word in words))
        title_first = Case(When(in_title, then=Value(1)), default=Value(0))
        return (
            queryset.filter(reduce(and_, each_word))
            .annotate(rank=title_first, quoted=self.quoted_text())
            .order_by("-rank", "pk")
        )

    def snippet(self, row: models.Model, query: str) -> SafeString:
        """The row's text around what `query` found, escaped, the words found in <mark>."""
        if hasattr(row, "headline"):  # PostgreSQL marked the words itself
            return marked(row.headline)
        return marked(excerpt(" ".join(row.quoted.split()), words_of(query)))  # type: ignore[attr-defined]


def excerpt(text: str, words: list[str]) -> str:
    """About SNIPPET_CHARACTERS of `text`, whole words, from a little before the first of `words` it holds
    (case aside) or from its start; each occurrence of the words between START and STOP."""
    pattern = re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)), re.IGNORECASE)
    first = pattern.search(text) if words else None
    begin = 0
    if first is not None and first.start() > SNIPPET_CHARACTERS // 4:
        begin = first.start() - SNIPPET_CHARACTERS // 4
        begin = text.find(" ", begin, first.start()) + 1 or begin
    end = begin + SNIPPET_CHARACTERS
    if end < len(text) and (space := text.rfind(" ", begin, end + 1)) > begin:
        end = space
    part = ("… " if begin else "") + text[begin:end] + (" …" if end < len(text) else "")
    return pattern.sub(lambda match: f"{START}{match.group()}{STOP}", part) if words else part


def marked(snippet: str) -> SafeString:
    """`snippet` escaped as a whole, then its START and STOP markers turned into <mark> and </mark>: the
    text can carry no markup of its own into the page."""
    return mark_safe(escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308
