"""Request errors mailed to ADMINS by the task worker: the failing request only queues the mail, so a slow or
unreachable mail server never holds up its error page.

The mail holds what the log holds (LOGGING in settings: the django.request line, traceback folded in): the
path and the exception, never the request's cookies, headers or form fields.
"""

import logging
import re
import time

from django.conf import settings
from django.core.mail import mail_admins
from django.tasks import task

logger = logging.getLogger(__name__)
BREAK_SECONDS = 30.0
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]+")


@task
def send_error_mail(subject: str, body: str) -> None:
    mail_admins(subject, body)


def subject_for(record: logging.LogRecord) -> str:
    """One short line: the exception's type and the path, e.g. "RuntimeError at /shop/"."""
    request = getattr(record, "request", None)
    path = request.path if request is not None else "(no request)"
    kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else "Error"
    subject = f"{kind} at {path}"
    return CONTROL_CHARACTERS.sub(" ", subject)[:200]  # a path may hold a decoded line break


class QueuedAdminEmailHandler(logging.Handler):
    """Queue a mail to ADMINS for each request that failed with an exception. An error response a view
    returns on purpose (the health check's 503) is not mailed.

    Queuing writes a row to the database; when that fails (the database is down, often the very error
    being reported) the handler logs a line and does not try again for BREAK_SECONDS, so an outage costs
    one connection timeout, not one more on every failing request."""

    def __init__(self, level: int = logging.ERROR) -> None:
        super().__init__(level)
        self.unavailable_until = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        if not settings.ADMINS or not record.exc_info or record.exc_info[0] is None:
            return
        if time.monotonic() < self.unavailable_until:
            return
        try:
            send_error_mail.enqueue(subject_for(record), self.format(record))
        except Exception as error:
            self.unavailable_until = time.monotonic() + BREAK_SECONDS
            logger.warning("Could not queue the error mail to ADMINS: %s: %s", type(error).__name__, error)
