import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_django(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}} | env
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=environment | {"DJANGO_SETTINGS_MODULE": "fatigue_site.settings"},
        capture_output=True,
        text=True,
    )


def test_site_refuses_to_start_without_secret_key_when_debug_is_off():
    result = start_django(DEBUG="0")
    assert result.returncode != 0
    assert "Set SECRET_KEY in the environment" in result.stderr


def test_site_starts_with_a_secret_key():
    assert start_django(DEBUG="0", SECRET_KEY="a-real-secret").returncode == 0


def test_development_mode_needs_no_key():
    assert start_django(DEBUG="1").returncode == 0
