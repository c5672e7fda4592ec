"""Requests the server makes to addresses an editor gave it: http and https to public addresses only.

An editor's URL must not turn the server into a scanner of its own network (Redis, PostgreSQL, a cloud
metadata address). The check sits where the socket is opened, in the network backend of httpcore: the
host is resolved once, every address it resolves to must be public, and the socket is opened to the
checked address itself, so a redirect is checked like the first request, and a DNS answer cannot change
between the check and the connection. TLS and the Host header still use the name.
"""

import socket
import ssl
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address
from typing import Any

import httpcore
import httpx

type IPAddress = IPv4Address | IPv6Address
type Resolver = Callable[[str, int], list[IPAddress]]

SCHEMES = {"http", "https"}
# Bytes read from one connection at most, headers included: enough for the headers of the dozen responses
# a link check reads on it (h11 refuses a header block over 100 KiB anyway); a body is never read through.
MAX_READ_BYTES = 64 * 1024

# IPv6 forms that carry an IPv4 address in their last 32 bits, which is where the packets end up.
NAT64 = IPv6Network("64:ff9b::/96")
IPV4_COMPATIBLE = IPv6Network("::/96")
IPV4_TRANSLATED = IPv6Network("::ffff:0:0:0/96")  # SIIT (RFC 2765): ::ffff:0:a.b.c.d


class AddressNotPublic(httpx.ConnectError):
    """The host is, or resolves to, an address the server does not fetch from."""


class ResponseTooLarge(httpx.ReadError):
    """The server sent more than MAX_READ_BYTES on one connection."""


def is_public(address: IPAddress) -> bool:
    """Return True if the address is globally reachable unicast; an IPv6 address that carries an IPv4 one
    (mapped, compatible, translated, 6to4, NAT64) is as public as the address it carries."""
    if isinstance(address, IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and any(address in network for network in (NAT64, IPV4_COMPATIBLE, IPV4_TRANSLATED)):
            embedded = IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
        # Site-local (fec0::/10) is deprecated but still routed inside some networks; reserved is unassigned.
        if address.is_site_local or address.is_reserved:
            return False
    return address.is_global and not address.is_multicast


def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses the system resolver gives for `host`, in its order, each once."""
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(ip_address(str(sockaddr[0])) for *_, sockaddr in found))


class PublicOnlyBackend(httpcore.SyncBackend):
    """Connects only when every address of the host is allowed, to those checked addresses only.

    Refusing when any address is not public (rather than using the public ones) keeps a name that
    mixes public and private answers from reaching inside through a fallback. Tests pass their own
    `resolve` and `allowed`; production keeps the defaults, which no setting changes.
    """

    def __init__(self, *, resolve: Resolver = resolve, allowed: Callable[[IPAddress], bool] = is_public) -> None:
        self.resolve = resolve
        self.allowed = allowed

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.addresses(host, port)
        if not all(self.allowed(address) for address in addresses):
            raise AddressNotPublic(f"{host} is not a public address")
        refused: httpcore.ConnectError | None = None
        for address in addresses:
            try:
                stream = super().connect_tcp(str(address), port, timeout, local_address, socket_options)
            except httpcore.ConnectError as error:  # the next address may answer, as socket.create_connection does
                refused = error
                continue
            return CappedStream(stream, MAX_READ_BYTES)
        assert refused is not None
        raise refused

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise AddressNotPublic("a Unix socket is not a public address")

    def addresses(self, host: str, port: int) -> list[IPAddress]:
        try:
            return [ip_address(host)]
        except ValueError:
            pass
        try:
            addresses = self.resolve(host, port)
        except OSError as error:  # no such host: the same failure as a refused connection
            raise httpcore.ConnectError(str(error)) from error
        if not addresses:
            raise httpcore.ConnectError(f"{host} has no address")
        return addresses


class CappedStream(httpcore.NetworkStream):
    """A connection that reads at most `left` bytes in all, then refuses to read on."""

    def __init__(self, stream: httpcore.NetworkStream, left: int) -> None:
        self.stream = stream
        self.left = left

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        if self.left <= 0:
            raise ResponseTooLarge(f"More than {MAX_READ_BYTES} bytes")
        data = self.stream.read(min(max_bytes, self.left), timeout)
        self.left -= len(data)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.stream.write(buffer, timeout)

    def close(self) -> None:
        self.stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return CappedStream(self.stream.start_tls(ssl_context, server_hostname, timeout), self.left)

    def get_extra_info(self, info: str) -> Any:
        return self.stream.get_extra_info(info)


class PublicTransport(httpx.BaseTransport):
    """httpx.HTTPTransport's work on a connection pool with the public-only backend (which
    HTTPTransport does not take), and only for http and https."""

    def __init__(self, backend: PublicOnlyBackend) -> None:
        self.pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=100,  # httpx's default limits
            max_keepalive_connections=20,
            keepalive_expiry=5.0,
            network_backend=backend,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme not in SCHEMES:
            raise httpx.UnsupportedProtocol(f"Only http and https, not {request.url.scheme!r}", request=request)
        assert isinstance(request.stream, httpx.SyncByteStream)
        url = request.url
        with _as_httpx_errors():
            response = self.pool.handle_request(
                httpcore.Request(
                    method=request.method,
                    url=httpcore.URL(scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path),
                    headers=request.headers.raw,
                    content=request.stream,
                    extensions=request.extensions,
                )
            )
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=ResponseStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        with _as_httpx_errors():
            self.pool.close()


class ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self.stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self.stream

    def close(self) -> None:
        if close := getattr(self.stream, "close", None):
            close()


# httpx names each of httpcore's errors the same (as its own transport maps them); the most specific one
# found on the error's class wins.
HTTPX_ERRORS: dict[type[Exception], type[httpx.TransportError]] = {
    httpcore.TimeoutException: httpx.TimeoutException,
    httpcore.ConnectTimeout: httpx.ConnectTimeout,
    httpcore.ReadTimeout: httpx.ReadTimeout,
    httpcore.WriteTimeout: httpx.WriteTimeout,
    httpcore.PoolTimeout: httpx.PoolTimeout,
    httpcore.NetworkError: httpx.NetworkError,
    httpcore.ConnectError: httpx.ConnectError,
    httpcore.ReadError: httpx.ReadError,
    httpcore.WriteError: httpx.WriteError,
    httpcore.ProxyError: httpx.ProxyError,
    httpcore.UnsupportedProtocol: httpx.UnsupportedProtocol,
    httpcore.ProtocolError: httpx.ProtocolError,
    httpcore.LocalProtocolError: httpx.LocalProtocolError,
    httpcore.RemoteProtocolError: httpx.RemoteProtocolError,
}


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as error:
        for cls in type(error).__mro__:
            if mapped := HTTPX_ERRORS.get(cls):
                raise mapped(str(error)) from error
        raise


def client(*, backend: PublicOnlyBackend | None = None, **options: Any) -> httpx.Client:
    """An httpx.Client that reaches public http(s) addresses only, redirects included; `options` as
    httpx.Client's. No proxy or .netrc from the environment: a proxy would resolve the hosts for us."""
    transport = PublicTransport(backend or PublicOnlyBackend())
    return httpx.Client(transport=transport, trust_env=False, **options)
