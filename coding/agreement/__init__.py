"""Inter-coder agreement for Athar: pure Python + NumPy/SciPy, no Django.

Formulas, conventions and sources are in docs/agreement.md. The public API:

* Krippendorff's α: `krippendorff_alpha`, `alpha_result` (→ `AlphaResult`),
  `alpha_from_value_counts`, `interpret_alpha`.
* α with a field's own distance: `DISTANCES` (`date_range`, `place_hierarchy`, `masi`,
  `jaccard`), `distance_alpha_result`, `field_alpha`, `DistanceAlphaAccumulator`;
  `IDENTICAL_ONLY` fields (free text) get percent identical and no α.
* Beside α: `AlphaAccumulator.ac1` (Gwet's AC1), `prevalence_note` (why α and AC1
  diverge), `pairwise_detection` / `DetectionCounts` (event detection F1 between coders).
* Confidence intervals: `bootstrap_alpha` (cluster bootstrap, → `AlphaBootstrap`),
  `krippendorff_bootstrap` (KALPHA pair bootstrap, for comparison only).
* κ family: `cohen_kappa`, `scott_pi`, `two_rater_agreement(_from_table)`,
  `fleiss_kappa`, `conger_kappa`, `brennan_prediger`, `gwet_ac1`, `gwet_ac2`,
  `percent_agreement`, `multi_rater_agreement(_from_counts)`, `agreement_weights`.
* γ (Mathet et al. 2015) through pygamma-agreement, seeded, with its Monte-Carlo spread:
  `gamma_agreement` (→ `GammaResult`); the package is imported only when it is called.
* Spans: `unitizing_alpha` (α_U; over a project's articles `unitizing_part` and
  `pooled_unitizing_alpha`), `u_alpha_family` / `partition_continuum` (uα),
  `span_f1`, `pairwise_span_f1`, `match_spans`.
* Events: `AlignableEvent`, `Span`, `AlignmentConfig`, `event_similarity`,
  `match_two_coders`, `align_events`, `event_f1_scores`, `FieldSpec`, `compute_article_agreement`,
  `AlphaAccumulator`, `ProjectAgreementAccumulator`.
"""

from coding.agreement.accumulator import PRESENCE_KEY, AlphaAccumulator
from coding.agreement.alignment import (
    AlignableEvent,
    AlignmentConfig,
    EventCluster,
    Span,
    align_events,
    event_similarity,
    match_two_coders,
    value_similarity,
)
from coding.agreement.alpha import (
    RELIABLE_ALPHA,
    TENTATIVE_ALPHA,
    AlphaResult,
    alpha_from_value_counts,
    alpha_result,
    interpret_alpha,
    krippendorff_alpha,
)
from coding.agreement.article import (
    ArticleAgreement,
    Disagreement,
    FieldAgreement,
    FieldSpec,
    compute_article_agreement,
    field_alpha,
    field_value,
)
from coding.agreement.bootstrap import AlphaBootstrap, bootstrap_alpha
from coding.agreement.coincidence import AlphaStatus
from coding.agreement.detection import DetectionCounts, pairwise_detection
from coding.agreement.distance_accumulator import DistanceAlphaAccumulator, IdentityOnlyAccumulator
from coding.agreement.distance_alpha import distance_alpha_result
from coding.agreement.distances import (
    DISTANCE_NAMES,
    DISTANCES,
    IDENTICAL_ONLY,
    DateRangeDistance,
    Distance,
    PlaceHierarchyDistance,
    SetDistance,
    distance_by_name,
)
from coding.agreement.event_f1 import EventF1Scores, event_f1_scores
from coding.agreement.explain import prevalence_note
from coding.agreement.gamma import GammaResult, gamma_agreement
from coding.agreement.kalpha import KalphaBootstrap, krippendorff_bootstrap
from coding.agreement.kappa import (
    TwoRaterAgreement,
    cohen_kappa,
    contingency_table,
    scott_pi,
    two_rater_agreement,
    two_rater_agreement_from_table,
)
from coding.agreement.levels import LEVELS, Level
from coding.agreement.multirater import (
    MultiRaterAgreement,
    brennan_prediger,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    multi_rater_agreement,
    multi_rater_agreement_from_counts,
    percent_agreement,
)
from coding.agreement.project_accumulator import ProjectAgreementAccumulator, field_accumulator
from coding.agreement.span_f1 import (
    PairwiseSpanF1,
    SpanF1Counts,
    match_spans,
    pairwise_span_f1,
    span_f1,
)
from coding.agreement.spans import CodedSpan, LabelledSpan
from coding.agreement.u_alpha import GAP, UAlphaFamily, partition_continuum, u_alpha_family
from coding.agreement.unitizing import (
    CategoryUnitizing,
    UnitizingAlpha,
    UnitizingPart,
    pooled_unitizing_alpha,
    unitizing_alpha,
    unitizing_part,
)
from coding.agreement.weights import agreement_weights

__all__ = [
    "DISTANCES",
    "DISTANCE_NAMES",
    "GAP",
    "IDENTICAL_ONLY",
    "LEVELS",
    "PRESENCE_KEY",
    "RELIABLE_ALPHA",
    "TENTATIVE_ALPHA",
    "AlignableEvent",
    "AlignmentConfig",
    "AlphaAccumulator",
    "AlphaBootstrap",
    "AlphaResult",
    "AlphaStatus",
    "ArticleAgreement",
    "CategoryUnitizing",
    "CodedSpan",
    "DateRangeDistance",
    "DetectionCounts",
    "Disagreement",
    "Distance",
    "DistanceAlphaAccumulator",
    "EventCluster",
    "EventF1Scores",
    "FieldAgreement",
    "FieldSpec",
    "GammaResult",
    "IdentityOnlyAccumulator",
    "KalphaBootstrap",
    "LabelledSpan",
    "Level",
    "MultiRaterAgreement",
    "PairwiseSpanF1",
    "PlaceHierarchyDistance",
    "ProjectAgreementAccumulator",
    "SetDistance",
    "Span",
    "SpanF1Counts",
    "TwoRaterAgreement",
    "UAlphaFamily",
    "UnitizingAlpha",
    "UnitizingPart",
    "agreement_weights",
    "align_events",
    "alpha_from_value_counts",
    "alpha_result",
    "bootstrap_alpha",
    "brennan_prediger",
    "cohen_kappa",
    "compute_article_agreement",
    "conger_kappa",
    "contingency_table",
    "distance_alpha_result",
    "distance_by_name",
    "event_f1_scores",
    "event_similarity",
    "field_accumulator",
    "field_alpha",
    "field_value",
    "fleiss_kappa",
    "gamma_agreement",
    "gwet_ac1",
    "gwet_ac2",
    "interpret_alpha",
    "krippendorff_alpha",
    "krippendorff_bootstrap",
    "match_spans",
    "match_two_coders",
    "multi_rater_agreement",
    "multi_rater_agreement_from_counts",
    "pairwise_detection",
    "pairwise_span_f1",
    "partition_continuum",
    "percent_agreement",
    "pooled_unitizing_alpha",
    "prevalence_note",
    "scott_pi",
    "span_f1",
    "two_rater_agreement",
    "two_rater_agreement_from_table",
    "u_alpha_family",
    "unitizing_alpha",
    "unitizing_part",
    "value_similarity",
]
