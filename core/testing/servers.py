"""Run the site as production does, in other processes: gunicorn, and a TCP proxy in front of PostgreSQL
that a test can cut and restore. Visitors are httpx clients with their own cookies."""

import contextlib
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
from django.conf import settings

logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request

GUNICORN = Path(sys.executable).parent / "gunicorn"
START_TIMEOUT = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TcpProxy:
    """Forwards a local port to `target`. stop() refuses new connections and cuts open ones, as a
    database that went down does; start() listens again on the same port."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def stop(self) -> None:
        if self._listener:
            _close(self._listener)  # shutdown() wakes the accepting thread; close() alone would not
            self._listener = None
        with self._lock:
            for connection in self._open:
                _close(connection)
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # stopped
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._open.update({client, upstream})
            for source, sink in [(client, upstream), (upstream, client)]:
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            with contextlib.suppress(OSError):
                while data := source.recv(65536):
                    sink.sendall(data)
        finally:
            for connection in (source, sink):
                _close(connection)
                with self._lock:
                    self._open.discard(connection)


def _close(connection: socket.socket) -> None:
    with contextlib.suppress(OSError):
        connection.shutdown(socket.SHUT_RDWR)
    connection.close()


class AppServer:
    """`gunicorn fatigue_site.wsgi` with the production settings, its output kept in `log`."""

    def __init__(self, env: dict[str, str], log: Path, workers: int = 1, access_log: bool = True) -> None:
        self.env, self.log, self.workers, self.access_log = env, log, workers, access_log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        command = [str(GUNICORN), "fatigue_site.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(self.workers), "--no-control-socket"]
        return command + (["--access-logfile", "-"] if self.access_log else [])

    def start(self, timeout: float = START_TIMEOUT) -> None:
        with self.log.open("a") as output:
            self.process = subprocess.Popen(
                self.command(),
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_until_answering(timeout)

    @property
    def running(self) -> subprocess.Popen:
        if self.process is None:
            raise RuntimeError("the server was never started")
        return self.process

    def wait_until_answering(self, timeout: float) -> None:
        """Poll until the server answers HTTP at all (its health may still be failing)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.running.poll() is not None:
                raise RuntimeError(f"the server exited with {self.running.returncode}:\n{self.log.read_text()}")
            try:
                httpx.get(f"{self.url}/healthz", timeout=5)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"the server did not answer within {timeout} s:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL the server and its workers at once: no graceful shutdown, requests in flight are cut."""
        os.killpg(self.running.pid, signal.SIGKILL)
        self.running.wait()

    def stop(self) -> None:
        """SIGTERM to the server and everything it started (gunicorn's workers, make serve's worker)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class MakeServe(AppServer):
    """`make serve PORT=…` as the README has an operator run it: the deploy check, migrations and demo
    content, the task worker and gunicorn."""

    def command(self) -> list[str]:
        return ["make", "--no-print-directory", "serve", f"PORT={self.port}"]


def server_environment(database_url: str, redis_url: str, static_root: Path, media_root: Path) -> dict[str, str]:
    """The production settings' environment for a server on loopback (make bench uses it too)."""
    return {
        "PATH": os.environ["PATH"],
        "DEBUG": "0",
        "HTTPS": "0",  # plain HTTP on loopback; the TLS settings are tested in test_security.py
        "SECRET_KEY": "production-test-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "DB_CONNECT_TIMEOUT": "2",
        "REDIS_URL": redis_url,
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(media_root),
    }


class Visitor:
    """A browser without JavaScript: cookies, Fetch Metadata and Origin headers, the CSRF token on the
    forms that carry one (checkout), no redirects followed."""

    def __init__(self) -> None:
        self.http = httpx.Client(timeout=10)

    def get(self, url: str) -> httpx.Response:
        return self.http.get(url)

    def post(self, url: str, data: dict) -> httpx.Response:
        origin = httpx.URL(url).copy_with(path="/", query=None)
        headers = {"Origin": str(origin).rstrip("/"), "Sec-Fetch-Site": "same-origin"}
        if token := self.http.cookies.get("csrftoken"):
            data = data | {"csrfmiddlewaretoken": token}
        return self.http.post(url, data=data, headers=headers)

    @property
    def session_key(self) -> str:
        return self.http.cookies["sessionid"]

    def checkout_fields(self, server: str) -> dict:
        page = self.get(f"{server}/checkout/").text
        fields = dict(re.findall(r'name="(token|expected_total)" value="([^"]*)"', page))
        assert set(fields) == {"token", "expected_total"}, page[:500]
        checked = r'<input type="radio" name="(payment_method)" value="(\d+)"[^>]*\bchecked\b'
        fields.update(re.findall(checked, page)[:1])
        return fields


def use_redis(settings, url: str) -> None:
    """The production cache and session settings (fatigue_site/settings.py with REDIS_URL set)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
