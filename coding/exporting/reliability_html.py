"""The reliability report of a release as one self-contained HTML page.

A journal reviewer opens this file from the release (or from disk): no script, no external
asset, one fixed stylesheet (its hash goes into the Content-Security-Policy the site serves it
under, so the page needs no ``unsafe-inline``), every text escaped, and the CI plot drawn
here as inline SVG from the very numbers in the tables. Pure: takes the figures dict that
the release also writes as JSON.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import math
from html import escape
from typing import Any

STYLE = (
    "body{font-family:system-ui,'Noto Sans Arabic',sans-serif;margin:2rem auto;max-width:60rem;"
    "padding:0 1rem;color:#1b1b1b;line-height:1.45}"
    "h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem}"
    "table{border-collapse:collapse;width:100%;font-size:.9rem}"
    "th,td{border-bottom:1px solid #ccc;padding:.3rem .5rem;text-align:start;vertical-align:top}"
    ".num{text-align:end;font-variant-numeric:tabular-nums}"
    ".meta{color:#555}.note{color:#6a4a00;font-size:.85rem}"
    "svg{max-width:100%;height:auto}"
)
"""The page's only style; served with a CSP hash source for exactly these bytes."""

STYLE_CSP_SOURCE = f"'sha256-{base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()}'"

_THRESHOLDS = (0.667, 0.8)
"""Krippendorff's (2004) lowest tentative and reliable α, drawn as guides on the plot."""


def _number(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}f}"


def _interval(low: Any, high: Any) -> str:
    return "—" if low is None or high is None else f"{_number(low)} – {_number(high)}"


def _instant(iso: str | None) -> str:
    """An ISO instant to the second, in UTC (the JSON keeps the exact value)."""
    if not iso:
        return "—"
    moment = dt.datetime.fromisoformat(iso).astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _share(value: Any) -> str:
    return "—" if value is None else f"{100 * value:.1f} %"


def ci_plot_svg(rows: list[dict[str, Any]]) -> str:
    """α per field with its 95 % CI as horizontal bars on a −0.2…1 axis, thresholds dashed."""
    low_end, high_end = -0.2, 1.0
    label_w, plot_w, row_h, top = 190, 420, 26, 24
    height = top + row_h * max(len(rows), 1) + 10

    def x(value: float) -> float:
        clipped = min(max(value, low_end), high_end)
        return label_w + (clipped - low_end) / (high_end - low_end) * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {label_w + plot_w + 20} '
        f'{height}" role="img" aria-label="alpha per field with 95% confidence intervals">'
    ]
    for tick in (-0.2, 0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        parts.append(
            f'<line x1="{x(tick):.1f}" y1="{top - 6}" x2="{x(tick):.1f}" y2="{height - 10}" '
            'stroke="#e4e4e4"/>'
            f'<text x="{x(tick):.1f}" y="{top - 10}" font-size="10" text-anchor="middle" '
            f'fill="#555">{tick:.1f}</text>'
        )
    for threshold in _THRESHOLDS:
        parts.append(
            f'<line x1="{x(threshold):.1f}" y1="{top - 6}" x2="{x(threshold):.1f}" '
            f'y2="{height - 10}" stroke="#b35900" stroke-dasharray="4 3"/>'
        )
    for index, row in enumerate(rows):
        y = top + row_h * index + row_h / 2
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 4:.1f}" font-size="12" text-anchor="end">'
            f"{escape(row['label'])}</text>"
        )
        value, low, high = row.get("value"), row.get("ci_low"), row.get("ci_high")
        if low is not None and high is not None:
            parts.append(
                f'<line x1="{x(low):.1f}" y1="{y:.1f}" x2="{x(high):.1f}" y2="{y:.1f}" '
                'stroke="#1f5fa8" stroke-width="3"/>'
            )
        if value is not None and math.isfinite(value):
            parts.append(
                f'<circle cx="{x(value):.1f}" cy="{y:.1f}" r="4.5" fill="#0b2f5b">'
                f"<title>{escape(row['label'])}: α = {value:.3f}</title></circle>"
            )
        else:  # said, not left blank: a missing dot would read as a drawing fault
            parts.append(
                f'<text x="{label_w + 6}" y="{y + 4:.1f}" font-size="11" fill="#777">'
                "α undefined (no pairable values, or no variation)</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _field_rows(figures: dict[str, Any]) -> str:
    cells = []
    for row in figures["fields"]:
        note = f'<div class="note">{escape(row["note"])}</div>' if row.get("note") else ""
        cells.append(
            "<tr>"
            f"<td><bdi>{escape(row['label'])}</bdi>"
            f'<div class="meta">{escape(row["key"])}</div>{note}</td>'
            f"<td>{escape(row.get('distance') or row.get('level') or '')}</td>"
            f'<td class="num">{_number(row.get("value"))}</td>'
            f'<td class="num">{_interval(row.get("ci_low"), row.get("ci_high"))}</td>'
            f'<td class="num">{_number(row.get("ac1"))}</td>'
            f'<td class="num">{_share(row.get("percent_agreement"))}</td>'
            f'<td class="num">{_number(row.get("n_pairable"))}</td>'
            f'<td class="num">{_number(row.get("n_units"))}</td>'
            "</tr>"
        )
    return "".join(cells)


def _adjudication_rows(adjudication: dict[str, Any]) -> str:
    return "".join(
        f'<tr><td>{escape(label)}</td><td class="num">{_number(count)}</td></tr>'
        for label, count in adjudication["by_kind"]
    )


GAMMA_ROWS_SHOWN = 200
"""Articles listed in the γ table; the JSON beside the page holds every one."""


def _gamma_section(gammas: list[dict[str, Any]] | None) -> str:
    """γ per article when the run was asked for it; nothing when it was not."""
    if gammas is None:
        return ""
    values = sorted(g["gamma"] for g in gammas if g.get("gamma") is not None)
    if not values:
        return "<h2>γ per article</h2><p>γ was requested; no article had spans of two coders.</p>"
    middle = len(values) // 2
    median = values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    rows = "".join(
        f'<tr><td class="num">{_number(g["article"])}</td>'
        f'<td class="num">{_number(g.get("gamma"))} ± {_number(g.get("gamma_se"))}</td>'
        f'<td class="num">{_number(g.get("n_units"))}</td>'
        f'<td class="num">{_number(g.get("n_coders"))}</td></tr>'
        for g in gammas[:GAMMA_ROWS_SHOWN]
    )
    more = (
        f'<p class="meta">The first {GAMMA_ROWS_SHOWN} of {len(gammas):,} articles; '
        "reliability.json lists every one.</p>"
        if len(gammas) > GAMMA_ROWS_SHOWN
        else ""
    )
    return (
        "<h2>γ per article (evidence spans)</h2>"
        f"<p>Mathet et al. (2015) γ over the coders' evidence spans, roles as categories: "
        f'{len(values):,} articles, median <strong class="gamma">{_number(median)}</strong> '
        f"(range {_number(values[0])} to {_number(values[-1])}). ± is the Monte-Carlo standard "
        "error of γ from the sampled chance continua (seeded per article).</p>"
        '<table><thead><tr><th class="num">Article</th><th class="num">γ ± MC s.e.</th>'
        '<th class="num">Spans</th><th class="num">Coders</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>{more}"
    )


def _unitizing_paragraph(unitizing: dict[str, Any] | None) -> str:
    """α_U on evidence spans over the project, beside detection F1 (docs/agreement.md)."""
    if unitizing is None:
        return ""
    if unitizing.get("value") is None:
        return "<p>Evidence spans: no α_U (no coder marked evidence spans).</p>"
    return (
        f'<p>Evidence spans: α<sub>U</sub> = <strong class="alpha-u">'
        f"{_number(unitizing['value'])}</strong> (Krippendorff's α for unitizing, each "
        "evidence role a category, pooled over articles weighted by their length; articles: "
        f"{_number(unitizing.get('n_articles'))}).</p>"
    )


def render_reliability_html(figures: dict[str, Any]) -> str:
    """The page for `figures` (see coding.services.release_reliability for the shape)."""
    codebook = figures["codebook"]
    detection = figures.get("detection_f1")
    adjudication = figures["adjudication"]
    if figures["computed"]:
        run = figures["run"]
        body = (
            f"<p>Agreement run {_number(run['id'])}, finished "
            f"{escape(_instant(run['finished_at']))}; "
            f"{_number(figures['coders'])} coders; {_number(figures['units'])} event units "
            "(the coders' events aligned across coders; each is a unit of event presence).</p>"
            "<h2>Krippendorff's α per field</h2>"
            f'<figure>{ci_plot_svg(figures["fields"])}<figcaption class="meta">Dots: α; bars: '
            "95 % cluster-bootstrap confidence interval (articles resampled); dashed: 0.667 and "
            "0.800.</figcaption></figure>"
            '<table><thead><tr><th>Field</th><th>Distance</th><th class="num">α</th>'
            '<th class="num">95 % CI</th><th class="num">AC1</th><th class="num">% agreement</th>'
            '<th class="num">Pairable units</th><th class="num">Units</th></tr></thead>'
            f"<tbody>{_field_rows(figures)}</tbody></table>"
            "<h2>Event detection</h2>"
            + (
                "<p>No detection figure in this run.</p>"
                if detection is None
                else f'<p>F1 between coders: <strong class="f1">{_number(detection["value"])}'
                f"</strong> ({_number(detection.get('true_positives'))} matched of "
                f"{_number(detection.get('events'))} events).</p>"
            )
            + _unitizing_paragraph(figures.get("alpha_u"))
            + _gamma_section(figures.get("gamma"))
        )
    else:
        body = "<p>No agreement figures were computed for this project before the release.</p>"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Reliability report — {escape(figures['project'])} {escape(figures['tag'])}"
        f"</title><style>{STYLE}</style></head><body>"
        f"<h1>Reliability report: {escape(figures['project'])} {escape(figures['tag'])}</h1>"
        f'<p class="meta">Data as of {escape(_instant(figures["data_as_of"]))}. Codebook '
        f"{escape(codebook['name'])} ({escape(codebook['slug'])}), version "
        f"{_number(codebook['version'])}.</p>"
        f"{body}"
        "<h2>Adjudication</h2>"
        f"<p>Validated articles: {_number(adjudication['articles'])}; decisions in force: "
        f"{_number(adjudication['decisions'])}; auto-accepted (unanimous): "
        f"{_share(adjudication['auto_accepted_share'])}.</p>"
        '<table><thead><tr><th>Decision</th><th class="num">Count</th></tr></thead>'
        f"<tbody>{_adjudication_rows(adjudication)}</tbody></table>"
        "</body></html>\n"
    )
