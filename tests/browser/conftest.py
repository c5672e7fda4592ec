import io
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command


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
