"""The make targets the README promises: each still runs what it says (`make -n` prints, runs nothing)."""

import os
import subprocess

import pytest
from django.conf import settings


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
        ("test", ["ruff check", "makemigrations --check", "pip-audit", "pytest"]),
        ("bench", ["bench/run.py"]),
        ("soak", ["tests/production/test_soak.py"]),
    ],
)
def test_make_target_runs_what_the_readme_says(target, commands):
    environment = {key: value for key, value in os.environ.items() if key not in {"PORT", "MAKEFLAGS", "MFLAGS"}}
    printed = subprocess.run(
        ["make", "-n", target], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, check=True
    ).stdout
    for command in commands:
        assert command in printed, f"make {target} no longer runs {command!r}"


def test_port_overrides_the_address_for_run_and_serve():
    for target in ("run", "serve"):
        printed = subprocess.run(
            ["make", "-n", target, "PORT=8123"], cwd=settings.BASE_DIR, capture_output=True, text=True
        ).stdout
        assert "127.0.0.1:8123" in printed
