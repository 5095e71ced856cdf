"""The figures of a release's reliability report (written as JSON and as an HTML page).

Read inside the release build's snapshot, so they are the agreement API's and the
adjudications' state at the release's ``data_as_of``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.db.models import Count, F

from coding.codebook_spec import CodebookSpec
from coding.exporting.reliability_html import render_reliability_html
from coding.models import AdjudicationDecision, DatasetRelease

PRESENCE = "event_presence"
BUILT_IN = {
    PRESENCE: "Event presence",
    "event_type": "Event type",
    "event_subtype": "Event subtype",
}
"""Figures every codebook has, not among its fields."""


def _label(spec: CodebookSpec, key: str) -> str:
    if key in BUILT_IN:
        return BUILT_IN[key]
    for field in spec.fields:
        if field.key == key:
            return field.labels.get("en") or next(iter(field.labels.values()), key)
    return key


def _adjudication(release: DatasetRelease) -> dict[str, Any]:
    """Decisions in force in the validated articles (undone ones and older revisions out)."""
    decisions = AdjudicationDecision.objects.filter(
        adjudication__project=release.project,
        adjudication__status="validated",
        active=True,
        revision=F("adjudication__revision"),
    )
    counts = dict(decisions.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    total = sum(counts.values())
    articles = decisions.values("adjudication_id").distinct().count()
    return {
        "articles": articles,
        "decisions": total,
        "by_kind": [(kind.label, counts.get(kind.value, 0)) for kind in AdjudicationDecision.Kind],
        "counts": {kind.value: counts.get(kind.value, 0) for kind in AdjudicationDecision.Kind},
        "auto_accepted_share": counts.get("unanimous", 0) / total if total else None,
    }


def reliability_figures(
    *, release: DatasetRelease, spec: CodebookSpec, report: dict[str, Any]
) -> dict[str, Any]:
    """The report's figures from the release's agreement report (see releases.agreement_report);
    the caller is the build, inside its snapshot, with ``data_as_of`` set."""
    assert release.data_as_of is not None
    alpha: dict[str, Any] = report.get("alpha", {})
    fields = [
        {"key": key, "label": _label(spec, key), **row}
        for key, row in sorted(alpha.items(), key=lambda item: (item[0] != PRESENCE, item[0]))
    ]
    presence = alpha.get(PRESENCE, {})
    return {
        "project": release.project.name,
        "tag": release.tag,
        "data_as_of": release.data_as_of.isoformat(),
        "codebook": {
            "slug": release.codebook_version.codebook.slug,
            "name": spec.name,
            "version": release.codebook_version.number,
        },
        "computed": report.get("computed", False),
        "run": {
            "id": report.get("run"),
            "finished_at": report.get("finished_at"),
            "params": report.get("params"),
        }
        if report.get("computed")
        else None,
        "coders": max((row.get("n_coders") or 0 for row in alpha.values()), default=0),
        "units": presence.get("n_units", 0),
        "fields": fields,
        "detection_f1": report.get("detection_f1"),
        "alpha_u": report.get("alpha_u"),
        "gamma": report.get("gamma"),
        "adjudication": _adjudication(release),
    }


def _finite(value: Any) -> Any:
    """NaN and infinities (an undefined α) as null: JSON has no spelling for them."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def reliability_files(figures: dict[str, Any]) -> tuple[bytes, bytes]:
    """(JSON, HTML) bytes of the report, the HTML drawn from the JSON's very numbers."""
    figures = _finite(figures)
    data = json.dumps(figures, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    return data.encode("utf-8"), render_reliability_html(figures).encode("utf-8")
