"""The local HTTP servers of linkservers.py as fixtures."""

import socket
from collections.abc import Iterator

import pytest

from tests.articles.linkservers import PUBLIC_STAND_IN, LinkServer, serving


@pytest.fixture
def server() -> Iterator[LinkServer]:
    """A server on 127.0.0.1: the inside, which production never reaches."""
    with serving("127.0.0.1") as httpd:
        yield httpd


@pytest.fixture
def public_server() -> Iterator[LinkServer]:
    """A server on 127.0.0.2, which the test network treats as a public host named public.test."""
    with serving(str(PUBLIC_STAND_IN)) as httpd:
        httpd.url = f"http://public.test:{httpd.port}"
        yield httpd


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
