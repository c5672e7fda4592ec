"""The make targets the README promises: each still runs what it says (`make -n` prints, runs nothing)."""

import os
import subprocess

import pytest
from django.conf import settings

pytestmark = pytest.mark.thorough  # make in a new process, which starts Python to find an interpreter


def printed_by(target: str, **variables: str) -> str:
    """What `make -n target` would run, on SQLite unless `variables` say otherwise."""
    ignored = {"PORT", "MAKEFLAGS", "MFLAGS", "DATABASE_URL", "COVERAGE"}
    environment = {key: value for key, value in os.environ.items() if key not in ignored} | variables
    return subprocess.run(
        ["make", "-n", target], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize(
    ("target", "commands"),
    [
        ("run", ["manage.py migrate", "manage.py seed_demo", "manage.py db_worker", "runserver 127.0.0.1:8000"]),
        (
            "serve",
            [
                "HTTPS=1 .venv/bin/python manage.py check --deploy --fail-level WARNING",
                "collectstatic",
                "manage.py migrate",
                "db_worker",
                "gunicorn fatigue_site.wsgi --bind 127.0.0.1:8000",
            ],
        ),
        ("test", ["ruff check", "makemigrations --check", "pip-audit", "mypy", "pytest --cov"]),
        ("check", ["ruff check", "ruff format --check", "mypy", "pytest"]),
        ("lock", ["pip-compile", " requirements.in", " requirements-dev.in"]),
        ("bench", ["bench/run.py"]),
        ("soak", ["tests/production/test_soak.py"]),
    ],
)
def test_make_target_runs_what_the_readme_says(target, commands):
    printed = printed_by(target)
    for command in commands:
        assert command in printed, f"make {target} no longer runs {command!r}"


def test_make_check_leaves_out_what_needs_a_browser_a_server_or_minutes_and_installs_nothing():
    printed = printed_by("check")
    assert '-m "not browser and not slow and not redis and not thorough"' in printed
    for absent in ["apt-get", "npm", "redis-server", "pg_ctlcluster", "pip-audit", "--cov"]:
        assert absent not in printed, f"make check runs {absent!r}"


def test_coverage_is_measured_on_the_sqlite_run_only_unless_asked():
    postgres = "postgres://postgres@127.0.0.1:5432/postgres"
    assert "pytest --cov" in printed_by("test")
    assert "--cov" not in printed_by("test", DATABASE_URL=postgres)
    assert "pytest --cov" in printed_by("test", DATABASE_URL=postgres, COVERAGE="1")


def test_port_overrides_the_address_for_run_and_serve():
    for target in ("run", "serve"):
        printed = subprocess.run(
            ["make", "-n", target, "PORT=8123"], cwd=settings.BASE_DIR, capture_output=True, text=True
        ).stdout
        assert "127.0.0.1:8123" in printed
