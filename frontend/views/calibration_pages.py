"""Calibration on the coder feedback page (issue #17): supervisors see the items, every
coder's scores and drift; a coder sees their own submitted calibration items with the score
and the gold (for learning) and their own agreement with gold over time.

Built like the other project pages: every figure comes from /api/v1/, asked in-process as
the signed-in user, so a coder can never be shown more than the API gives them.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .api_bridge import api_get
from .shell import Navigation, render_page


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _labels(spec: dict[str, Any] | None, request: HttpRequest) -> dict[str, str]:
    lang = getattr(request, "LANGUAGE_CODE", "en")
    labels: dict[str, str] = {"event_type": _("Event type"), "event_subtype": _("Sub-type")}
    for thing in [*(spec or {}).get("fields", []), *(spec or {}).get("event_types", [])]:
        names = thing.get("labels") or {}
        key = thing.get("key") or thing.get("code")
        labels[key] = str(names.get(lang) or names.get("en") or key)
        for child in thing.get("children", []):
            names = child.get("labels") or {}
            labels[child["code"]] = str(names.get(lang) or names.get("en") or child["code"])
    return labels


def _shown(value: Any) -> str:
    """A stored field value as text: a name, a place, a date range, a list, a number."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        if value.get("name"):
            return str(value["name"])
        if value.get("start"):
            end = value.get("end")
            return f"{value['start']} – {end}" if end else str(value["start"])
        if value.get("id") is not None:
            return f"#{value['id']}"
    return str(value)


def _drift_rows(answer: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "username": row["coder"]["username"],
            "flag": row["flag"],
            "latest_text": _percent(row["flag"]["latest"]),
            "baseline_text": _percent(row["flag"]["baseline"]),
            "windows": [w | {"f1_text": _percent(w["f1"])} for w in row["windows"]],
        }
        for row in answer
    ]


def manager_calibration(request: HttpRequest, project_id: int) -> dict[str, Any]:
    """The calibration part of the supervisors' feedback page."""
    base = f"/api/v1/projects/{project_id}/calibration/"
    overview, scores, drift = (api_get(request, base + rest) for rest in ("", "scores/", "drift/"))
    if not (overview.ok and scores.ok and drift.ok):
        return {}
    return {
        "policy": overview.data["policy"],
        "items": [i | {"mean_f1_text": _percent(i["mean_f1"])} for i in overview.data["items"]],
        "scores": [s | {"f1_text": _percent(s["f1"])} for s in scores.data],
        "drift": _drift_rows(drift.data),
    }


def coder_feedback_page(
    request: HttpRequest, nav: Navigation, project_id: int, context: dict[str, Any]
) -> HttpResponse:
    """A coder's own calibration results, each with the gold events, and their drift."""
    base = f"/api/v1/projects/{project_id}/calibration/"
    scores, drift = api_get(request, base + "scores/"), api_get(request, base + "drift/")
    labels = _labels(context.get("codebook_spec"), request)
    results = []
    for score in scores.data if scores.ok else []:
        gold = api_get(request, f"/api/v1/assignments/{score['assignment']}/adjudicated/")
        events = gold.data.get("gold_events", []) if gold.ok else []
        results.append(
            score
            | {
                "f1_text": _percent(score["f1"]),
                "fields_shown": [
                    {"label": labels.get(key, key), **counts}
                    for key, counts in score["fields"].items()
                    if counts["compared"]
                ],
                "gold_events": [
                    {
                        "type": labels.get(e["event_type"], e["event_type"]),
                        "subtype": labels.get(e["event_subtype"] or "", e["event_subtype"] or ""),
                        "values": [
                            {"label": labels.get(k, k), "text": _shown(v)}
                            for k, v in e["values"].items()
                            if _shown(v) != "—"
                        ],
                        "quotes": [s["quote"] for s in e["spans"]],
                    }
                    for e in events
                ],
            }
        )
    context.update({"results": results, "drift": _drift_rows(drift.data) if drift.ok else []})
    return render_page(request, "frontend/my_feedback.html", context, nav=nav)


def calibration_state(
    request: HttpRequest, project_id: int, article_id: int, view: dict[str, Any]
) -> dict[str, Any] | None:
    """For the side-by-side page of a validated article: is it a calibration item now?
    None when the article is not validated or the calibration API refuses the reader."""
    adjudication = view.get("adjudication") or {}
    if adjudication.get("status") != "validated":
        return None
    answer = api_get(request, f"/api/v1/projects/{project_id}/calibration/")
    if not answer.ok:
        return None
    active = any(
        item["article"]["id"] == article_id and item["active"] for item in answer.data["items"]
    )
    return {"active": active}
