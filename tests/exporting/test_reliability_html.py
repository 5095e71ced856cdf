"""The reliability page renderer alone (pure): geometry of the CI plot, missing figures said
as such, no agreement run said as such, everything escaped."""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from coding.exporting.reliability_html import (
    STYLE,
    STYLE_CSP_SOURCE,
    ci_plot_svg,
    render_reliability_html,
)


def _figures(**changes: Any) -> dict[str, Any]:
    figures: dict[str, Any] = {
        "project": "Sahel <events>",
        "tag": "v1",
        "data_as_of": "2026-12-07T17:54:06.578122+00:00",
        "codebook": {"slug": "acled", "name": "ACLED & co", "version": 3},
        "computed": True,
        "run": {"id": 12, "finished_at": "2026-12-07T19:00:00+02:00", "params": {}},
        "coders": 4,
        "units": 1234,
        "fields": [
            {
                "key": "event_presence",
                "label": "Event presence",
                "value": 0.5,
                "ci_low": -0.5,
                "ci_high": 0.9,
                "ac1": 0.97,
                "percent_agreement": 0.98,
                "n_pairable": 1200,
                "n_units": 1234,
                "distance": None,
                "level": "nominal",
                "note": "α < AC1 because",
            },
            {
                "key": "notes",
                "label": "ملاحظات",
                "value": None,
                "ci_low": None,
                "ci_high": None,
                "ac1": None,
                "percent_agreement": None,
                "n_pairable": 0,
                "n_units": 1234,
                "distance": None,
                "level": "nominal",
                "note": None,
            },
        ],
        "detection_f1": {"value": 0.912, "true_positives": 10, "events": 22},
        "adjudication": {
            "articles": 7,
            "decisions": 9,
            "by_kind": [["Accept one coder's event", 3], ["Unanimous (auto-accepted)", 6]],
            "auto_accepted_share": 6 / 9,
        },
    }
    return figures | changes


def test_the_plot_places_alpha_and_its_interval_on_the_axis_and_clips_below_it() -> None:
    svg = ci_plot_svg(_figures()["fields"])
    # The axis runs −0.2…1 over 420 px after a 190 px label column: 0.5 → 190 + 0.7/1.2 × 420.
    assert '<circle cx="435.0"' in svg
    bar = re.search(r'<line x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"[^>]*stroke-width="3"', svg)
    assert bar is not None
    assert (bar.group(1), bar.group(2)) == ("190.0", "575.0")  # −0.5 clipped to −0.2; 0.9
    assert svg.count("<circle") == 1
    assert "α undefined" in svg  # the field with no α says so


def test_the_page_shows_the_figures_and_says_what_is_missing() -> None:
    page = render_reliability_html(_figures())
    assert "Data as of 2026-12-07 17:54:06 UTC" in page
    assert "finished 2026-12-07 17:00:00 UTC" in page  # +02:00 read as UTC
    assert '<td class="num">0.500</td>' in page
    assert '<td class="num">-0.500 – 0.900</td>' in page
    assert '<td class="num">98.0 %</td>' in page
    assert '<td class="num">1,200</td>' in page
    assert "<bdi>ملاحظات</bdi>" in page
    assert '<strong class="f1">0.912</strong>' in page
    assert "auto-accepted (unanimous): 66.7 %" in page
    assert "Sahel &lt;events&gt;" in page
    assert "ACLED &amp; co" in page
    assert "<events>" not in page


def test_a_release_with_no_agreement_run_says_so() -> None:
    page = render_reliability_html(_figures(computed=False, run=None, fields=[]))
    assert "No agreement figures were computed" in page
    assert "<svg" not in page


def test_the_policy_hash_is_the_stylesheet_s() -> None:
    digest = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
    assert f"'sha256-{digest}'" == STYLE_CSP_SOURCE
    assert f"<style>{STYLE}</style>" in render_reliability_html(_figures())
