"""Production settings refuse to start without a secret key or with DEBUG on, and pass
`manage.py check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 20 + "Q7v!x9#pL2@m4Z8$wR6^" + "t" * 10


def _run_check(env_overrides: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    env.update(
        {
            "ATHAR_ENV": "production",
            "ALLOWED_HOSTS": "athar.example.org",
            "DATABASE_URL": "sqlite:////tmp/athar-deploy-check.sqlite3",
            # `check` never connects to it.
            "REDIS_URL": "redis://redis.invalid:6379/0",
        }
    )
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


pytestmark = pytest.mark.smoke


def test_production_refuses_to_start_without_secret_key() -> None:
    result = _run_check({})
    assert result.returncode != 0
    assert "Production needs SECRET_KEY" in result.stderr


def test_production_refuses_debug() -> None:
    result = _run_check({"SECRET_KEY": GOOD_KEY, "DEBUG": "true"})
    assert result.returncode != 0
    assert "refuses to start with DEBUG on" in result.stderr


def test_production_refuses_without_allowed_hosts() -> None:
    result = _run_check({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": ""})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_check_deploy_is_clean_in_production_mode() -> None:
    result = _run_check({"SECRET_KEY": GOOD_KEY}, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_redis() -> None:
    """Without a shared cache every throttle would count per process (N workers: N times
    the limit)."""
    result = _run_check({"SECRET_KEY": GOOD_KEY, "REDIS_URL": ""})
    assert result.returncode != 0
    assert "Production needs REDIS_URL" in result.stderr


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("TRUSTED_PROXY_COUNT", "TRUSTED_PROXY_COUNT must be 0 or more"),
        ("API_TOKEN_TTL_DAYS", "API_TOKEN_TTL_DAYS must be 0 (never expire) or more"),
    ],
)
def test_negative_auth_settings_are_refused(name: str, message: str) -> None:
    result = _run_check({"SECRET_KEY": GOOD_KEY, name: "-1"})
    assert result.returncode != 0
    assert message in result.stderr


def test_check_deploy_is_clean_with_trusted_proxies_and_token_expiry() -> None:
    result = _run_check(
        {"SECRET_KEY": GOOD_KEY, "TRUSTED_PROXY_COUNT": "1", "API_TOKEN_TTL_DAYS": "90"},
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_trusted_proxy_count_reaches_drf_and_the_lockout() -> None:
    env = {k: v for k, v in os.environ.items() if k != "TRUSTED_PROXY_COUNT"}
    env.update({"ATHAR_ENV": "test", "TRUSTED_PROXY_COUNT": "2"})
    code = (
        "from django.conf import settings; from django.test import RequestFactory; "
        "from axes.helpers import get_client_ip_address; "
        "r = RequestFactory().get('/', HTTP_X_FORWARDED_FOR='6.6.6.6, 192.0.2.1, 10.0.0.2'); "
        "print(settings.REST_FRAMEWORK['NUM_PROXIES'], get_client_ip_address(r))"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["2", "192.0.2.1"]
