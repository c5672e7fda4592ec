"""Error reporting: a request error queues one mail to ADMINS for the task worker, and Sentry is on
exactly when SENTRY_DSN is set."""

import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.db import OperationalError
from django.http import HttpResponse
from django.urls import path
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from core.error_mail import QueuedAdminEmailHandler
from tests.production import error_urls

ADMINS = ["Ops Team <ops@example.com>", "dev@example.com"]
SESSION_COOKIE = "s3ss10n-value-that-must-not-be-mailed"
SECRET_FIELDS = {"email": "visitor@example.com", "password": "hunter2-secret", "card": "4111 1111 1111 1111"}


def unavailable(request):
    return HttpResponse("Down for a moment.", status=503)


# The error views of tests/production/error_urls.py, and an error response a view returns on purpose.
handler500 = error_urls.handler500
urlpatterns = [path("unavailable/", unavailable), *error_urls.urlpatterns]
pytestmark = pytest.mark.urls("tests.production.test_errors")


class DatabaseDownBackend(DatabaseBackend):
    def enqueue(self, task, args, kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@pytest.fixture
def database_down_for_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "tests.production.test_errors.DatabaseDownBackend"}}


@pytest.fixture
def failing_client(client):
    client.raise_request_exception = False
    client.cookies["sessionid"] = SESSION_COOKIE
    return client


@pytest.fixture
def admins(settings):
    settings.ADMINS = ADMINS


@pytest.fixture(autouse=True)
def mail_handler():
    """The handler on django.request that queues the mails, with no pause left from another test."""
    [handler] = [h for h in logging.getLogger("django.request").handlers if isinstance(h, QueuedAdminEmailHandler)]
    handler.unavailable_until = 0.0
    yield handler
    handler.unavailable_until = 0.0


def test_a_view_that_raises_queues_one_mail_that_the_worker_sends_to_admins(failing_client, db, admins):
    response = failing_client.post("/broken/", SECRET_FIELDS)
    assert response.status_code == 500
    assert mail.outbox == []  # not sent by the request

    [queued] = DBTaskResult.objects.all()
    assert (queued.task_path, queued.status) == ("core.error_mail.send_error_mail", "READY")
    queued.task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])

    [message] = mail.outbox
    assert message.to == ADMINS
    assert message.from_email == settings.SERVER_EMAIL
    assert message.subject == "[Steady Strength] RuntimeError at /broken/"
    assert len(message.body.splitlines()) == 1
    assert "ERROR django.request Internal Server Error: /broken/\\nTraceback (most recent call last)" in message.body
    assert "RuntimeError: the view failed with 3 fields" in message.body
    for secret in [*SECRET_FIELDS.values(), "s3ss10n-value"]:
        assert secret not in message.body and secret not in message.subject


def test_without_admins_a_request_error_queues_nothing(failing_client, db, settings):
    settings.ADMINS = []
    assert failing_client.get("/broken/").status_code == 500
    assert DBTaskResult.objects.count() == 0


def test_an_error_response_without_an_exception_queues_nothing(failing_client, db, admins):
    """A view that answers 503 on purpose (as the health check does while Redis is away) is no bug."""
    assert failing_client.get("/unavailable/").status_code == 503
    assert DBTaskResult.objects.count() == 0


def test_a_refused_host_mails_nobody(failing_client, db, admins):
    """Django's own handler would mail ADMINS at once, the whole request with it, for any django.* error."""
    assert failing_client.get("/", headers={"host": "attacker.example"}).status_code == 400
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 0


def test_a_mail_that_cannot_be_queued_leaves_the_error_page_and_a_log_line(
    failing_client, db, admins, database_down_for_tasks, caplog
):
    for _ in range(2):
        response = failing_client.get("/database-down/")
        assert response.status_code == 503 and b"We'll be back in a moment" in response.content
    warnings = [r.getMessage() for r in caplog.records if r.name == "core.error_mail"]
    # Tried once: while the database is away, each try would wait for its connection timeout.
    assert warnings == [
        'Could not queue the error mail to ADMINS: OperationalError: connection to server at "127.0.0.1", port 5432'
        " failed: Connection refused"
    ]


def in_a_process(expression: str, **environment: str):
    """The value of `expression` (JSON) in a fresh process whose settings see only this environment."""
    code = "import json, django, sentry_sdk; django.setup(); from django.conf import settings;"
    code += f"print(json.dumps({expression}))"
    base = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "fatigue_site.settings", "SECRET_KEY": "x" * 50}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env=base | environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.thorough  # starts Python anew
def test_admins_are_read_from_the_environment():
    admins = in_a_process("settings.ADMINS", ADMINS="Ops Team <ops@example.com>, dev@example.com")
    assert admins == ADMINS
    assert in_a_process("settings.ADMINS") == []


SENTRY_CLIENT = (
    "{'active': sentry_sdk.get_client().is_active(), 'integrations': sorted(sentry_sdk.get_client().integrations)}"
    " | {name: sentry_sdk.get_client().options.get(name) for name in"
    " ['dsn', 'release', 'send_default_pii', 'max_request_body_size', 'include_local_variables']}"
)


@pytest.mark.thorough  # starts Python anew
def test_with_sentry_dsn_the_settings_start_sentry_without_personal_data():
    client = in_a_process(SENTRY_CLIENT, SENTRY_DSN="https://public@sentry.invalid/1", RELEASE="2025-06-01.3")
    assert client == {
        "active": True,
        "integrations": client["integrations"],
        "dsn": "https://public@sentry.invalid/1",
        "release": "2025-06-01.3",
        "send_default_pii": False,
        "max_request_body_size": "never",
        "include_local_variables": False,
    }
    assert "django" in client["integrations"]


@pytest.mark.thorough  # starts Python anew
def test_without_sentry_dsn_sentry_stays_off():
    assert in_a_process("sentry_sdk.get_client().is_active()") is False
