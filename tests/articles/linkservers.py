"""Local HTTP servers that manage.py check_references is pointed at, the network it sees them through, and
the command run against them: never a real site. The servers' fixtures are in conftest.py."""

import contextlib
import io
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import ip_address
from urllib.parse import parse_qs, urlsplit

from django.core.management import call_command

from articles.models import Reference
from core import outbound

# The test network: 127.0.0.2 stands for a public host (its server is `public_server`), everything else
# is judged as production judges it, so 127.0.0.1 (`server`) is the inside. Names resolve from this table.
PUBLIC_STAND_IN = ip_address("127.0.0.2")
NAMES = {
    "public.test": ["127.0.0.2"],
    "inside.test": ["127.0.0.1"],
    "private.test": ["10.0.0.1"],
    "metadata.test": ["169.254.169.254"],
    "mapped.test": ["::ffff:127.0.0.1"],
    "mixed.test": ["127.0.0.2", "127.0.0.1"],  # one public answer does not let the other through
}


def resolve(host: str, port: int) -> list[outbound.IPAddress]:
    if host not in NAMES:
        raise OSError(f"No such host in the test network: {host}")
    return [ip_address(address) for address in NAMES[host]]


def network(*, inside_allowed: bool = False) -> outbound.PublicOnlyBackend:
    """The backend through the test resolver; `inside_allowed` lets 127.0.0.1 through too, for the tests
    about what a check records from a server rather than about which addresses it may reach."""
    inside = ip_address("127.0.0.1")

    def allowed(address: outbound.IPAddress) -> bool:
        return address == PUBLIC_STAND_IN or (inside_allowed and address == inside) or outbound.is_public(address)

    return outbound.PublicOnlyBackend(resolve=resolve, allowed=allowed)


class Handler(BaseHTTPRequestHandler):
    """Answers by path; counts the requests and keeps the User-Agent it was sent."""

    server: "LinkServer"

    def do_HEAD(self) -> None:
        self.answer()

    def do_GET(self) -> None:
        self.answer()

    def answer(self) -> None:
        self.server.requests[self.command, self.path] += 1
        self.server.user_agents.add(self.headers["User-Agent"])
        path, query = urlsplit(self.path)[2:4]
        if path == "/slow":
            self.server.release.wait()  # set at teardown: past the client's timeout, which has gone
            return
        if path == "/endless-headers":
            self.send_response(200)
            with contextlib.suppress(OSError):  # until the client hangs up, or 1 MiB
                for number in range(16 * 1024):
                    self.wfile.write(f"X-Header-{number}: {'x' * 48}\r\n".encode())
            return
        status, location = {
            "/ok": (200, ""),
            "/missing": (404, ""),
            "/loop": (302, "/loop"),
            "/moved": (301, "/ok"),
            "/no-head": (405 if self.command == "HEAD" else 200, ""),
            "/redirect": (302, parse_qs(query).get("to", [""])[0]),
        }.get(path, (404, ""))
        body = b"A page." * 1000
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "GET":
            self.wfile.write(body)

    def log_message(self, format, *args) -> None:
        pass


class LinkServer(ThreadingHTTPServer):
    daemon_threads = True
    requests: Counter
    user_agents: set[str]
    release: threading.Event
    port: int
    url: str


@contextlib.contextmanager
def serving(address: str) -> Iterator[LinkServer]:
    httpd = LinkServer((address, 0), Handler)
    httpd.requests, httpd.user_agents, httpd.release = Counter(), set(), threading.Event()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    httpd.port = httpd.server_address[1]
    httpd.url = f"http://{address}:{httpd.port}"
    try:
        yield httpd
    finally:
        httpd.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


LOCAL_HOSTS = {"127.0.0.1", "localhost", "127.1", "2130706433", "::1", "::ffff:127.0.0.1"}
# Most tests are about what a check records from what a server answers, from a server on 127.0.0.1.
INSIDE_ALLOWED = network(inside_allowed=True)


def run(
    *args, stdout: io.StringIO | None = None, backend: outbound.PublicOnlyBackend | None = INSIDE_ALLOWED
) -> tuple[int, str]:
    """Run the command through `backend` (None: production's); return its exit status and output."""
    for url in Reference.objects.exclude(url="").values_list("url", flat=True):
        host = urlsplit(url).hostname or ""
        assert host in LOCAL_HOSTS or host.endswith(".test"), f"only local URLs: {url}"  # .test: never a site
    out = stdout or io.StringIO()
    try:
        call_command("check_references", *args, stdout=out, skip_checks=False, backend=backend)  # as from a shell
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue()
    return 0, out.getvalue()


def recorded(reference: Reference) -> tuple[int | None, str]:
    reference.refresh_from_db()
    assert reference.checked_at is not None
    return reference.check_status, reference.check_error
