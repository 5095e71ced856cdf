"""Agreement results as stored rows: α with what stands beside it (never a lone α), and
event detection F1. Shared by article runs (agreement_store) and project runs
(agreement_figures)."""

from __future__ import annotations

import math
from typing import Any

from coding.agreement import AlphaResult, DetectionCounts, prevalence_note
from coding.agreement.accumulator import PRESENCE_KEY
from coding.models import AgreementResult, AgreementRun

DETECTION_F1 = "detection_f1"
ALPHA_U = "alpha_u"  # α_U on evidence spans over the project (agreement_figures)
ALPHA_BY_WEEK = "alpha_week"  # α per field over the articles whose coding ended that week


def finite(value: float | None) -> float | None:
    """NaN (undefined) is stored as null: JSON and the API have no NaN."""
    return None if value is None or math.isnan(value) else float(value)


def alpha_details(alpha: AlphaResult) -> dict[str, Any]:
    details: dict[str, Any] = {"n_dropped_units": alpha.n_dropped_units, "n_values": alpha.n_values}
    if alpha.distance is not None:  # the field's own δ² (coding/agreement/distances.py)
        details["distance"] = alpha.distance
    if not math.isnan(alpha.ac1):  # project figures: never a lone α
        details["ac1"] = alpha.ac1
        details["most_common_share"] = finite(alpha.most_common_share)
        note = prevalence_note(
            alpha.value, alpha.ac1, alpha.percent_agreement, alpha.most_common_share
        )
        if note is not None:
            details["note"] = note
    return details


def result_row(run: AgreementRun, key: str, alpha: AlphaResult, **extra: Any) -> AgreementResult:
    return AgreementResult(
        run=run,
        metric="alpha",
        field_key="" if key == PRESENCE_KEY else key,
        level=alpha.level,
        value=finite(alpha.value),
        status=alpha.status,
        n_units=alpha.n_units,
        n_pairable=alpha.n_pairable_units,
        n_coders=alpha.n_coders,
        percent_agreement=finite(alpha.percent_agreement),
        details=alpha_details(alpha),
        **extra,
    )


def detection_row(run: AgreementRun, counts: DetectionCounts, **pair: Any) -> AgreementResult:
    """Event detection F1 between coders (coding/agreement/detection.py), micro-averaged."""
    return AgreementResult(
        run=run,
        metric=DETECTION_F1,
        field_key="",
        value=finite(counts.f1),
        status="ok" if counts.events else "undefined: no events",
        n_units=counts.events,
        n_pairable=counts.true_positives,
        details={"true_positives": counts.true_positives, "events": counts.events},
        **pair,
    )
