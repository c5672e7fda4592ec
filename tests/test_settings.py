import os
import subprocess
import sys

import pytest
from django.conf import settings

pytestmark = pytest.mark.thorough  # each test starts Python anew


def start_django(code: str = "", **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}} | env
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=environment | {"DJANGO_SETTINGS_MODULE": "fatigue_site.settings"},
        capture_output=True,
        text=True,
    )


@pytest.mark.parametrize("entry_point", ["fatigue_site.wsgi", "fatigue_site.asgi"])
def test_site_refuses_to_start_without_secret_key_when_debug_is_off(entry_point):
    result = start_django(f"import {entry_point}", DEBUG="0")
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment" in result.stderr


def test_commands_that_need_no_key_run_without_one_and_check_deploy_warns():
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    migrations = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True,
    )  # fmt: skip
    assert (migrations.returncode, migrations.stdout.strip()) == (0, "No changes detected")
    deploy = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
    )
    assert "security.W009" in deploy.stderr


def test_site_starts_with_a_secret_key():
    assert start_django("import fatigue_site.wsgi", DEBUG="0", SECRET_KEY="a-real-secret").returncode == 0


def test_development_mode_needs_no_key():
    assert start_django(DEBUG="1").returncode == 0


def test_the_configured_mailer_can_be_created_in_development_and_production():
    make_mailer = "from django.core.mail import mailers; print(type(mailers.default).__module__)"
    development = start_django(make_mailer, DEBUG="1")
    assert development.stdout.strip() == "django.core.mail.backends.console"
    production = start_django(make_mailer, DEBUG="0", SECRET_KEY="x", SMTP_HOST="mail.example", SMTP_PORT="587")
    assert production.stdout.strip() == "django.core.mail.backends.smtp"
