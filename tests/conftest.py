import io

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection

from core import pages
from core.cache import writes_lost
from tests.factories import Catalogue, make_catalogue

# Fixtures that talk to the local Redis server: make test starts it, make check runs without it.
LIVE_REDIS_FIXTURES = {"live_redis", "redis_sessions", "server_redis"}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by mark
def pytest_collection_modifyitems(items):
    for item in items:
        if LIVE_REDIS_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.redis)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    cache.clear()  # no page from an earlier test
    pages.reset()
    writes_lost.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Nothing has run collectstatic. (Plain HTTP: pyproject.toml sets HTTPS=0 for the test run.)
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    }


@pytest.fixture
def catalogue(db) -> Catalogue:
    """Some of everything the pages and the admin show (tests/factories.py), for the suite-wide tests."""
    return make_catalogue()


@pytest.fixture
def search_time_limit_queries() -> int:
    """What a search's time limit adds to its queries on PostgreSQL (core/search.py: a savepoint,
    or BEGIN outside a test's transaction; the statement timeout; the release, or COMMIT); on SQLite, none."""
    return 3 if connection.vendor == "postgresql" else 0


@pytest.fixture
def session(client):
    """The test client's session, saved so that it has a key, as a browser's would after its first visit."""
    store = client.session
    store.save()
    client.cookies["sessionid"] = store.session_key
    return store


@pytest.fixture
def cart(session):
    from cart.cart import Cart

    return Cart(session)


@pytest.fixture
def roles(db):
    call_command("setup_roles", stdout=io.StringIO())


@pytest.fixture
def login_as(client, django_user_model, roles):
    """Log the test client in as a staff member of `group` (or of none)."""

    def login(group: str | None = None, username: str = "", **fields):
        username = username or f"staff-{group or 'none'}"
        user = django_user_model.objects.create_user(username, password="pw", is_staff=True, **fields)
        if group:
            user.groups.add(Group.objects.get(name=group))
        client.force_login(user)
        return client

    return login
