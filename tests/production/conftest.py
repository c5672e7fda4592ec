import os
import subprocess
import sys

import pytest
import redis
from django.conf import settings
from django.db import connection

from core.testing.servers import AppServer, TcpProxy, server_environment

SERVER_REDIS = "redis://127.0.0.1:6379/14"  # a database of its own, flushed around each test


@pytest.fixture(scope="session")
def static_root(tmp_path_factory):
    """collectstatic's output, as a deployment builds it: hashed names, compressed copies, a manifest."""
    root = tmp_path_factory.mktemp("static")
    environment = {"PATH": os.environ["PATH"], "DEBUG": "0", "SECRET_KEY": "collectstatic", "STATIC_ROOT": str(root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=environment,
        check=True,
    )
    return root


@pytest.fixture
def postgres(transactional_db):
    """The test database, reached through a proxy the test can cut. Data must be committed to be seen
    by the servers, hence transactional_db."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://...): the servers share the test database")
    database = connection.settings_dict
    proxy = TcpProxy((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432)))
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture
def server_redis():
    server = redis.Redis.from_url(SERVER_REDIS)
    server.flushdb()
    yield server
    server.flushdb()


@pytest.fixture
def start_server(postgres, server_redis, static_root, tmp_path):
    """start_server() -> a running gunicorn on the production settings; all are stopped after the test."""
    started = []
    database = connection.settings_dict
    user = database["USER"] + (f":{database['PASSWORD']}" if database.get("PASSWORD") else "")
    database_url = f"postgres://{user}@127.0.0.1:{postgres.port}/{database['NAME']}"  # through the proxy
    environment = server_environment(database_url, SERVER_REDIS, static_root, tmp_path / "media")

    def start(workers: int = 1, **env: str) -> AppServer:
        server = AppServer(environment | env, tmp_path / f"server-{len(started)}.log", workers=workers)
        started.append(server)
        server.start()
        return server

    yield start
    for server in started:
        server.stop()
    # The servers' connections must be gone before the test database is flushed.
    connection.close()
