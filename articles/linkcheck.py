"""Whether the URLs guides cite still answer: each URL asked once, a few at a time, with a timeout.

HEAD first, as it asks for no body; many servers refuse HEAD (403, 405, 501) yet answer GET, so
those are asked again with a GET whose body is never read. Redirects are followed up to
MAX_REDIRECTS. Only public http(s) addresses are asked, redirects included (core.outbound):
any other is "not checked", whether or not something answers there. Only the HTTP layer lives here;
manage.py check_references records the results.
"""

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

import httpx
from django.conf import settings

from core import outbound

MAX_REDIRECTS = 10
HEAD_REFUSED = {403, 405, 501}
NOT_PUBLIC = "not checked: address not public"


@dataclass(frozen=True)
class Result:
    """The final HTTP status, or None and a short reason when none came back."""

    status: int | None
    error: str = ""


def check_urls(
    urls: Iterable[str], *, timeout: float, concurrency: int, backend: outbound.PublicOnlyBackend | None = None
) -> Iterator[tuple[str, Result]]:
    """Check each URL, `concurrency` at a time; yield (url, result) in the order they finish."""
    client = outbound.client(
        backend=backend,
        # bytes: a non-ASCII SITE_NAME in the agent would make httpx refuse every request
        headers={b"User-Agent": settings.LINK_CHECK_USER_AGENT.encode()},
        timeout=timeout,
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
    )
    with client, ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = {pool.submit(check_url, client, url): url for url in urls}
        for future in as_completed(futures):
            yield futures[future], future.result()


def check_url(client: httpx.Client, url: str) -> Result:
    try:
        status = _status(client, "HEAD", url)
        if status in HEAD_REFUSED:
            status = _status(client, "GET", url)
    except outbound.AddressNotPublic:  # before ConnectError, its parent: says nothing of what answers there
        return Result(None, NOT_PUBLIC)
    except outbound.ResponseTooLarge:
        return Result(None, "Response too large")
    except httpx.TimeoutException:
        return Result(None, f"Timed out after {client.timeout.read:g} s")
    except httpx.TooManyRedirects:
        return Result(None, "Too many redirects")
    except httpx.ConnectError:  # refused, no such host, or a TLS failure
        return Result(None, "Could not connect")
    except (httpx.InvalidURL, httpx.UnsupportedProtocol):
        return Result(None, "Not a valid web address")
    except httpx.HTTPError as error:
        return Result(None, f"Request failed: {type(error).__name__}")
    return Result(status)


def _status(client: httpx.Client, method: str, url: str) -> int:
    # A stream, closed unread: a GET does not download the page (or a large PDF) it only asks about.
    with client.stream(method, url) as response:
        return response.status_code
