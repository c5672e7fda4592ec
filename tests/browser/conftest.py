import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from core.testing.chromium import CHROMIUM, CHROMIUM_ARGS

# Fail fast: every page here is local, and nothing should take seconds.
BROWSER_TIMEOUT_MS = 5_000
expect.set_options(timeout=BROWSER_TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser_type_launch_args():
    """Debian's Chromium, with the flags this machine needs (core/testing/chromium.py)."""
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def context(context):
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    return context


@pytest.fixture
def site(live_server, settings):
    """The demo site served on a free port; its address is the site's one host (pages are shared for it)."""
    settings.SITE_HOST = urlsplit(live_server.url).hostname
    call_command("seed_demo", stdout=io.StringIO())
    return live_server.url


@pytest.fixture
def no_js_page(browser):
    """A page with JavaScript off: every action must work without it."""
    context = browser.new_context(java_script_enabled=False)
    yield context.new_page()
    context.close()
