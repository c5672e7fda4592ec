"""manage.py check_references against a local HTTP server the tests start: never a real site."""

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import CommandError
from django.utils import timezone

from articles.models import Reference
from core import pages
from tests.articles.linkservers import recorded, run
from tests.factories import make_article, make_reference, make_sourced_article

pytestmark = pytest.mark.django_db

LOCAL = "http://127.0.0.1:"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_check_records_the_final_status_or_the_reason_on_each_reference(server, closed_port):
    article = make_article()
    paths = ["/ok", "/missing", "/loop", "/moved", "/slow", "/no-head"]
    references = {path: make_reference(article, url=f"{server.url}{path}") for path in paths}
    refused = make_reference(article, url=f"{LOCAL}{closed_port}/")
    before = timezone.now()

    run("--timeout", "0.5")

    assert {path: recorded(reference) for path, reference in references.items()} == {
        "/ok": (200, ""),
        "/missing": (404, ""),
        "/loop": (None, "Too many redirects"),
        "/moved": (200, ""),
        "/slow": (None, "Timed out after 0.5 s"),
        "/no-head": (200, ""),
    }
    assert recorded(refused) == (None, "Could not connect")
    assert all(reference.checked_at >= before for reference in references.values())


def test_head_refused_is_asked_again_with_get(server):
    make_reference(make_article(), url=f"{server.url}/no-head")
    run()
    assert server.requests == Counter({("HEAD", "/no-head"): 1, ("GET", "/no-head"): 1})


def test_summary_lists_each_broken_reference_and_exits_1(server):
    article = make_article(title="Sleep and recovery")
    make_reference(article, title="Fine source", url=f"{server.url}/ok")
    make_reference(article, title="Gone source", url=f"{server.url}/missing")
    make_reference(article, title="Circular source", url=f"{server.url}/loop")

    status, output = run()

    assert status == 1
    assert output.splitlines() == [
        "Checked 3 links: 1 OK, 2 broken.",
        f"Sleep and recovery: Gone source  {server.url}/missing  HTTP 404",
        f"Sleep and recovery: Circular source  {server.url}/loop  Too many redirects",
    ]


def test_without_a_terminal_only_the_summary_is_printed_and_none_broken_exits_0(server):
    make_reference(make_article(), url=f"{server.url}/ok")
    assert run() == (0, "Checked 1 link: 1 OK, 0 broken.\n")


def test_on_a_terminal_a_progress_bar_shows(server):
    make_reference(make_article(), url=f"{server.url}/ok")
    status, output = run(stdout=Terminal())
    assert status == 0
    assert "Checking links" in output
    assert output.endswith("Checked 1 link: 1 OK, 0 broken.\n")


def test_a_source_without_a_url_is_skipped_and_the_summary_says_so(server):
    article = make_sourced_article()  # its second source has only a DOI and a PubMed ID
    article.references.filter(key="first").update(url=f"{server.url}/ok")

    status, output = run()

    assert (status, output.splitlines()) == (
        0,
        ["Checked 1 link: 1 OK, 0 broken.", "Skipped 1 source without a URL (DOI or PubMed ID only)."],
    )
    doi_only = article.references.get(key="second")
    assert (doi_only.checked_at, doi_only.check_status, doi_only.check_error) == (None, None, "")
    assert set(server.requests) == {("HEAD", "/ok")}


def test_a_url_cited_by_several_references_is_requested_once(server):
    shared = f"{server.url}/missing"
    first, second = make_reference(make_article(), url=shared), make_reference(make_article(), url=shared)

    status, output = run()

    assert server.requests == Counter({("HEAD", "/missing"): 1})
    assert recorded(first) == recorded(second) == (404, "")
    assert output.startswith("Checked 2 links: 0 OK, 2 broken.\n")


def test_requests_carry_the_configured_user_agent(server, settings):
    settings.LINK_CHECK_USER_AGENT = "Mozilla/5.0 (compatible; Test site link checker; +mailto:ops@example.com)"
    make_reference(make_article(), url=f"{server.url}/ok")
    run()
    assert server.user_agents == {settings.LINK_CHECK_USER_AGENT}


def test_a_site_name_beyond_ascii_in_the_user_agent_is_sent_as_utf8(server, settings):
    settings.LINK_CHECK_USER_AGENT = "Mozilla/5.0 (compatible; Stärke link checker)"
    make_reference(make_article(), url=f"{server.url}/ok")
    assert run() == (0, "Checked 1 link: 1 OK, 0 broken.\n")
    assert server.user_agents == {"Mozilla/5.0 (compatible; StÃ¤rke link checker)"}  # UTF-8 read as Latin-1


def test_default_user_agent_names_the_site_and_a_contact(settings):
    assert settings.SITE_NAME in settings.LINK_CHECK_USER_AGENT
    assert f"mailto:{settings.SHOP_EMAIL}" in settings.LINK_CHECK_USER_AGENT


def test_only_broken_checks_again_only_the_references_broken_last_time(server):
    article = make_article()
    make_reference(article, url=f"{server.url}/ok")
    make_reference(article, url=f"{server.url}/missing")
    run()

    status, output = run("--only-broken")

    assert (status, output.splitlines()[0]) == (1, "Checked 1 link: 0 OK, 1 broken.")
    assert server.requests == Counter({("HEAD", "/ok"): 1, ("HEAD", "/missing"): 2})


def test_older_than_skips_references_checked_recently(server):
    article = make_article()
    recent = make_reference(article, url=f"{server.url}/ok")
    stale = make_reference(article, url=f"{server.url}/moved")
    Reference.objects.filter(pk=recent.pk).update(checked_at=timezone.now() - timedelta(days=2))
    Reference.objects.filter(pk=stale.pk).update(checked_at=timezone.now() - timedelta(days=10))

    assert run("--older-than", "7") == (0, "Checked 1 link: 1 OK, 0 broken.\n")
    assert server.requests == Counter({("HEAD", "/moved"): 1, ("HEAD", "/ok"): 1})  # /ok as /moved's target
    recent.refresh_from_db()
    assert recent.checked_at < timezone.now() - timedelta(days=1)


def test_a_check_makes_no_history_and_leaves_the_guide_and_its_cached_pages_alone(server, client):
    article = make_sourced_article()
    article.references.filter(key="first").update(url=f"{server.url}/loop")
    history = (Reference.history.count(), article.history.count())
    generation = pages.generation()

    run()

    assert (Reference.history.count(), article.history.count()) == history
    assert pages.generation() == generation
    page = client.get(article.get_absolute_url()).content.decode()
    assert f"{server.url}/loop" in page  # the source is listed, its check result is not
    assert "Too many redirects" not in page


def test_admin_broken_filter_lists_the_references_broken_at_the_last_check(server, admin_client):
    article = make_article()
    make_reference(article, title="Fine source", url=f"{server.url}/ok")
    make_reference(article, title="Gone source", url=f"{server.url}/missing")
    make_reference(article, title="Circular source", url=f"{server.url}/loop")
    run()

    page = admin_client.get("/admin/articles/reference/?link=broken").content.decode()

    assert "Gone source" in page
    assert "Circular source" in page
    assert "Fine source" not in page


def test_the_guide_form_shows_each_source_link_check(server, admin_client):
    article = make_sourced_article()
    article.references.filter(key="first").update(url=f"{server.url}/missing")
    run()
    checked = timezone.localtime(article.references.get(key="first").checked_at).strftime("%Y-%m-%d %H:%M")

    page = admin_client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()

    assert f"Broken: HTTP 404, {checked}" in page
    assert "Not checked yet (manage.py check_references)." in page  # the source with only a DOI


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--concurrency", "0"], "--concurrency must be a whole number, 1 or more."),
        (["--timeout", "0"], "--timeout must be a number of seconds above 0."),
        (["--older-than", "0"], "--older-than must be a whole number of days, 1 or more."),
    ],
)
def test_bad_options_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)
