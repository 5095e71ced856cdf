"""Calibration scoring and coder drift: pure Python, no Django (like coding.agreement).

* `score_against_gold`: one coder's events on a calibration item against its gold events —
  event detection (the one-to-one matching of coding.agreement.match_two_coders: matched
  coder events are true positives) and, on matched pairs, per-field agreement with the gold.
* `drift_report`: a coder's per-item detection counts pooled by time window (ISO week or
  month), with the drift flag (see `coding.calibration.drift` for the rule).
"""

from coding.calibration.drift import DriftItem, DriftRule, drift_report, window_of
from coding.calibration.policy import calibration_quota, plan_calibration
from coding.calibration.scoring import GoldScore, f1_of, score_against_gold

__all__ = [
    "DriftItem",
    "DriftRule",
    "GoldScore",
    "calibration_quota",
    "drift_report",
    "f1_of",
    "plan_calibration",
    "score_against_gold",
    "window_of",
]
