"""manage.py check_references reaches public addresses only: never the server's own network, directly or
through a redirect. `server` (127.0.0.1) is the inside; `public_server` stands for a public host."""

from collections import Counter
from ipaddress import ip_address
from urllib.parse import quote

import pytest
from django.utils import timezone

from articles.models import Reference
from tests.articles.linkservers import network, recorded, run
from tests.factories import make_article, make_reference

pytestmark = pytest.mark.django_db

NOT_PUBLIC = "not checked: address not public"


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "127.1", "2130706433", "[::ffff:127.0.0.1]", "[::1]"],
)
def test_a_loopback_url_is_not_checked_and_the_server_there_sees_nothing(server, host):
    reference = make_reference(make_article(title="Sleep"), title="Inside", url=f"http://{host}:{server.port}/ok")

    status, output = run(backend=None)  # production's resolver and rule

    assert recorded(reference) == (None, NOT_PUBLIC)
    assert server.requests == Counter()
    assert (status, output.splitlines()) == (
        1,
        ["Checked 1 link: 0 OK, 1 broken.", f"Sleep: Inside  {reference.url}  {NOT_PUBLIC}"],
    )


def test_an_open_and_a_closed_inside_port_are_recorded_alike(server, closed_port):
    open_port = make_reference(make_article(), url=f"http://127.0.0.1:{server.port}/ok")
    closed = make_reference(make_article(), url=f"http://127.0.0.1:{closed_port}/ok")
    run(backend=None)
    assert recorded(open_port) == recorded(closed) == (None, NOT_PUBLIC)


def test_a_url_on_a_public_address_is_checked(public_server):
    reference = make_reference(make_article(), url=f"{public_server.url}/moved")
    assert run(backend=network()) == (0, "Checked 1 link: 1 OK, 0 broken.\n")
    assert recorded(reference) == (200, "")
    assert public_server.requests == Counter({("HEAD", "/moved"): 1, ("HEAD", "/ok"): 1})


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/ok",
        "http://inside.test:{port}/ok",  # a name resolving to loopback
        "http://[::ffff:127.0.0.1]:{port}/ok",
        "http://mapped.test:{port}/ok",
        "http://[::1]:{port}/ok",
        "http://mixed.test:{port}/ok",  # a public and a loopback address
        "http://private.test:{port}/ok",  # 10.0.0.1
        "http://metadata.test/latest/meta-data/",  # 169.254.169.254
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00::1]:{port}/ok",
        "http://0.0.0.0:{port}/ok",
    ],
)
def test_a_redirect_from_a_public_address_to_the_inside_is_not_followed(server, public_server, target):
    target = target.format(port=server.port)
    redirect = f"/redirect?to={quote(target)}"
    reference = make_reference(make_article(), url=f"{public_server.url}{redirect}")

    status, output = run(backend=network())

    assert recorded(reference) == (None, NOT_PUBLIC)
    assert public_server.requests == Counter({("HEAD", redirect): 1})
    assert server.requests == Counter()
    assert output.endswith(f"  {reference.url}  {NOT_PUBLIC}\n")


def test_a_redirect_to_another_scheme_is_not_followed(public_server):
    redirect = f"/redirect?to={quote('gopher://public.test:70/x')}"
    reference = make_reference(make_article(), url=f"{public_server.url}{redirect}")
    run(backend=network())
    assert recorded(reference) == (None, "Not a valid web address")


def test_the_address_checked_is_the_address_connected_to(server, public_server):
    """A name that answers a public address for the check and a loopback one a moment later (DNS
    rebinding) is looked up once per connection: the check and the connection use the same answer."""
    answers = [["127.0.0.2"], ["127.0.0.1"], ["127.0.0.1"]]
    backend = network()
    resolved = []

    def rebinding(host: str, port: int):
        resolved.append(host)
        return [ip_address(address) for address in answers[len(resolved) - 1]]

    backend.resolve = rebinding
    reference = make_reference(make_article(), url=f"http://rebind.test:{public_server.port}/ok")

    run(backend=backend)

    assert recorded(reference) == (200, "")
    assert resolved == ["rebind.test"]
    assert public_server.requests == Counter({("HEAD", "/ok"): 1})
    assert server.requests == Counter()


def test_a_response_past_the_read_cap_is_cut(public_server):
    reference = make_reference(make_article(), url=f"{public_server.url}/endless-headers")
    run(backend=network())
    assert recorded(reference) == (None, "Response too large")


def test_the_admin_shows_not_checked_for_an_address_that_is_not_public(server, admin_client):
    article = make_article()
    reference = make_reference(article, title="Inside source", url=f"http://127.0.0.1:{server.port}/ok")
    run(backend=None)
    checked = timezone.localtime(Reference.objects.get(pk=reference.pk).checked_at).strftime("%Y-%m-%d %H:%M")

    form = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    broken = admin_client.get("/admin/articles/reference/?link=broken").content.decode()

    assert f"Broken: {NOT_PUBLIC}, {checked}" in form
    assert "Inside source" in broken
    assert f'<td class="field-check_error">{NOT_PUBLIC}</td>' in broken
    assert server.requests == Counter()
