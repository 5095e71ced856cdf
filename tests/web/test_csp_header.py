"""The Content-Security-Policy header, and the report-only switch (issue 13, item 18).

Chromium checks that the pages work under the policy (tests/browser/test_csp.py); these
check the header itself and what the CSP_REPORT_ONLY / CSP_REPORT_URI settings do.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


def directives(header: str) -> set[str]:
    return set(header.split("; "))


@pytest.mark.parametrize("path", ["/login/", "/api/docs/", "/api/docs/?script=", "/admin/login/"])
def test_pages_carry_the_policy(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert directives(response["Content-Security-Policy"]) == POLICY
    assert "Content-Security-Policy-Report-Only" not in response


def test_swagger_ui_has_no_inline_script_or_style(client: Client) -> None:
    html = client.get("/api/docs/").content.decode()
    assert "<style" not in html
    assert html.count("<script") == html.count("<script src=") == 3
    assert '<script src="/api/docs/?script="></script>' in html
    script = client.get("/api/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def _settings_with(**environ: str) -> dict[str, object]:
    """CONTENT_SECURITY_POLICY{,_REPORT_ONLY} as config/settings.py computes them from the
    environment (read in a fresh interpreter)."""
    code = (
        "import json; from config import settings as s; "
        "print(json.dumps([s.CONTENT_SECURITY_POLICY, s.CONTENT_SECURITY_POLICY_REPORT_ONLY]))"
    )
    env = {key: value for key, value in os.environ.items() if not key.startswith("CSP_")}
    env.update(ATHAR_ENV="test", **environ)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    enforced, report_only = json.loads(out.stdout)
    return {"enforced": enforced, "report_only": report_only}


def test_the_report_only_switch_moves_the_policy() -> None:
    enforced = _settings_with()
    assert enforced["report_only"] is None
    assert enforced["enforced"]["DIRECTIVES"]["script-src"] == ["'self'"]  # type: ignore[index]
    switched = _settings_with(CSP_REPORT_ONLY="true", CSP_REPORT_URI="/csp-reports/")
    assert switched["enforced"] is None
    directives = switched["report_only"]["DIRECTIVES"]  # type: ignore[index]
    assert directives["report-uri"] == ["/csp-reports/"]
    assert {k: v for k, v in directives.items() if k != "report-uri"} == (
        enforced["enforced"]["DIRECTIVES"]  # type: ignore[index]
    )


def test_in_report_only_mode_the_header_reports_and_blocks_nothing(client: Client) -> None:
    policy = {"DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]}}
    with override_settings(
        CONTENT_SECURITY_POLICY=None, CONTENT_SECURITY_POLICY_REPORT_ONLY=policy
    ):
        response = client.get("/login/")
    assert directives(response["Content-Security-Policy-Report-Only"]) == POLICY
    assert "Content-Security-Policy" not in response
