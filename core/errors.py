"""The 503 page, for a database that is away or too busy to write this moment; it needs no database."""

from django.db import OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

# Locks SQLite's busy timeout gave up on (DB_LOCK_TIMEOUT): the database is there, only too busy this moment.
BUSY_MESSAGES = {"database is locked", "database table is locked"}
RETRY_AFTER_SECONDS = 30


def database_busy(error: BaseException | None) -> bool:
    """Return True for a write that waited its whole lock timeout for another writer, also where that
    failure is the cause of another error (Django turns a session it could not save into a 400)."""
    while error is not None:
        if isinstance(error, OperationalError) and str(error) in BUSY_MESSAGES:
            return True
        error = error.__cause__ or error.__context__
    return False


def unavailable() -> HttpResponse:
    """The 503 page, which needs no database, with when to try again."""
    return HttpResponse(render_to_string("503.html"), status=503, headers={"Retry-After": str(RETRY_AFTER_SECONDS)})
