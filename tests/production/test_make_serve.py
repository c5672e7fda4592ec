"""`make serve` itself, run the way the README tells an operator to: it must come up on the local
PostgreSQL and Redis with no warning from the deployment check, and serve the shop."""

import re

import pytest
import redis
from django.conf import settings

from core.testing.servers import MakeServe, Visitor

pytestmark = pytest.mark.slow

SERVE_DB = "fatigue_site_make_serve_test"  # created by make serve itself on its first run
SERVE_REDIS = "redis://127.0.0.1:6379/12"


@pytest.fixture
def make_serve(tmp_path):
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("make serve runs on the local PostgreSQL; this runs in the PostgreSQL pass")
    redis.Redis.from_url(SERVE_REDIS).flushdb()
    environment = {
        "PATH": settings.BASE_DIR.joinpath(".venv", "bin").as_posix() + ":/usr/local/bin:/usr/bin:/bin",
        "SERVE_DB": SERVE_DB,
        "REDIS_URL": SERVE_REDIS,
        "WEB_WORKERS": "1",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    server = MakeServe(environment, tmp_path / "make-serve.log")
    server.start(timeout=180)  # the first run creates the database and migrates it
    yield server
    server.stop()


def test_make_serve_passes_the_deploy_check_and_serves_the_shop(make_serve):
    log = make_serve.log.read_text()
    assert "System check identified no issues" in log  # HTTPS=1 manage.py check --deploy --fail-level WARNING
    visitor = Visitor()
    health = visitor.get(f"{make_serve.url}/healthz")
    assert (health.status_code, health.json()) == (200, {"status": "ok"})

    guide = visitor.get(f"{make_serve.url}/guides/deep-muscle-fatigue/")
    assert guide.status_code == 200
    assert "What Causes Deep Muscle Fatigue (Even After Rest)?" in guide.text
    assert visitor.get(f"{make_serve.url}/guides/deep-muscle-fatigue/").headers["X-Page-Cache"] == "hit"

    stylesheet = re.search(r'<link rel="stylesheet" href="(/static/css/site\.[0-9a-f]{12}\.css)"', guide.text)
    assert stylesheet, "the stylesheet is served under its hashed name"
    css = visitor.http.get(f"{make_serve.url}{stylesheet[1]}", headers={"Accept-Encoding": "gzip"})
    assert css.status_code == 200
    assert (css.headers["Content-Encoding"], css.headers["Cache-Control"]) == (
        "gzip",
        "max-age=315360000, public, immutable",
    )

    missing = visitor.get(f"{make_serve.url}/no-such-page/")
    assert (missing.status_code, "We couldn't find that page" in missing.text) == (404, True)  # DEBUG is off

    product = re.search(r'name="product" value="(\d+)"', guide.text)
    added = visitor.post(f"{make_serve.url}/cart/add/", {"product": product[1], "quantity": 1})
    assert (added.status_code, added.headers["Location"]) == (302, "/cart/")
    cart = visitor.get(f"{make_serve.url}/cart/")
    assert 'class="mini-cart__count">1<' in cart.text
