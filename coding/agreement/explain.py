"""One-line explanations a reader needs next to an α that looks wrong.

The prevalence effect ("paradox"; Feinstein & Cicchetti 1990, Gwet 2008): when one value
dominates (an event is present in nearly every cluster, a field is nearly always "no"),
α's expected disagreement is tiny, so a handful of disagreements pulls α to 0 or below
although coders agree on almost every unit. Gwet's AC1 models chance agreement as the
agreement of coders who guess only on hard units, and stays high there. Neither is "the
right one": α answers "could these data have arisen by chance?", AC1 "how often do coders
agree beyond guessing?"; a reviewer must see both and the raw agreement.
"""

from __future__ import annotations

import math
from typing import Final

# α and AC1 "diverge strongly" from this gap on (about the gap between two of
# Krippendorff's bands), with at least this raw agreement.
DIVERGENCE: Final = 0.2
HIGH_AGREEMENT: Final = 0.8


def prevalence_note(
    alpha: float, ac1: float, percent_agreement: float, most_common_share: float
) -> str | None:
    """The sentence that explains a low α beside a high AC1, or None when they agree."""
    values = (alpha, ac1, percent_agreement, most_common_share)
    if any(v is None or math.isnan(v) for v in values):
        return None
    if ac1 - alpha < DIVERGENCE or percent_agreement < HIGH_AGREEMENT:
        return None
    return (
        f"Coders agree on {percent_agreement:.0%} of pairs, but {most_common_share:.0%} of the "
        f"values are the same one, so α counts most of that agreement as chance and the few "
        f"disagreements weigh heavily (the prevalence effect); AC1 = {ac1:.2f} treats chance "
        f"differently. Check the disagreements before calling the field unreliable."
    )
