"""A project's agreement figures, folded article by article from compact fold records.

A fold record is what one article contributes to the project's figures (its presence and
field matrices, its coders, the event type of each aligned cluster, the week its coding
ended). Chunks of a recompute produce them on any worker (coding.services.agreement_chunks);
the run's final step folds them in ascending article order. Folding the same records in the
same order is the same arithmetic, so a recompute split over N workers stores exactly the
figures (to the last digit, bootstrap seeded) that one process computing everything stores.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from coding.agreement import (
    ArticleAgreement,
    DetectionCounts,
    ProjectAgreementAccumulator,
    UnitizingPart,
    pairwise_detection,
    pooled_unitizing_alpha,
)
from coding.agreement.accumulator import PRESENCE_KEY, AlphaAccumulator
from coding.models import AgreementResult, AgreementRun
from coding.services.agreement_inputs import ALGORITHM_VERSION
from coding.services.agreement_rows import (
    ALPHA_BY_WEEK,
    ALPHA_U,
    detection_row,
    finite,
    result_row,
)

BOOTSTRAP_SAMPLES = 1000
BOOTSTRAP_SEED = 20_240_601
_PAYLOAD_FORMAT = 1

Matrix = tuple[tuple[Any, ...], ...]


def coding_week(moment: dt.datetime | None) -> str | None:
    """The ISO week ("2026-W49") of a moment, in UTC; None stays None."""
    if moment is None:
        return None
    year, week, _ = moment.astimezone(dt.UTC).isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class FoldRecord:
    """One article's contribution to the project's figures (plain values only, so that it
    survives a round trip through `marshal`: ints, strings, tuples, frozensets, None)."""

    article_id: int
    week: str | None
    coders: tuple[int, ...]
    presence: Matrix
    matrices: dict[str, Matrix]
    cluster_types: tuple[str, ...]  # the dominant event type of each aligned cluster
    # α_U's share of the article (length, D_o, D_e over evidence roles); None: not computed
    unitizing: tuple[int, float, float] | None = None

    @classmethod
    def of(
        cls,
        article_id: int,
        result: ArticleAgreement,
        week: str | None,
        unitizing: UnitizingPart | None = None,
    ) -> FoldRecord:
        return cls(
            article_id=article_id,
            week=week,
            coders=tuple(result.coders),
            presence=tuple(tuple(row) for row in result.presence),
            matrices={key: tuple(map(tuple, f.matrix)) for key, f in result.fields.items()},
            cluster_types=tuple(
                _dominant_type([e.event_type for e in c.events.values()]) for c in result.clusters
            ),
            unitizing=None
            if unitizing is None
            else (unitizing.length, unitizing.observed, unitizing.expected),
        )

    def plain(self) -> tuple[Any, ...]:
        return (
            self.article_id,
            self.week,
            self.coders,
            self.presence,
            self.matrices,
            self.cluster_types,
            self.unitizing,
        )

    @classmethod
    def from_plain(cls, plain: Sequence[Any]) -> FoldRecord:
        return cls(*plain)


def _dominant_type(types: list[str]) -> str:
    return max(sorted(set(types)), key=types.count)


def _columns(matrix: Matrix, indexes: list[int]) -> list[list[Any]]:
    return [[row[i] for i in indexes] for row in matrix]


class ProjectFigures:
    """Accumulators for the project: overall, per event type, per coder pair, per week."""

    def __init__(self, fields: list[Any]) -> None:
        self.fields = fields
        self.overall = ProjectAgreementAccumulator(fields)
        self.by_type: dict[str, ProjectAgreementAccumulator] = {}
        self.by_pair: dict[tuple[int, int], AlphaAccumulator] = {}
        self.by_week: dict[str, ProjectAgreementAccumulator] = {}
        self.detection = DetectionCounts()
        self.detection_by_pair: dict[tuple[int, int], DetectionCounts] = {}
        self.n_articles = 0
        self.unitizing: list[UnitizingPart] = []
        self.unitizing_coders: set[int] = set()

    def add(self, article_id: int, result: ArticleAgreement, week: str | None = None) -> None:
        """Fold one article in; `week` (ISO "2026-W49") is the week its coding ended."""
        self.fold(FoldRecord.of(article_id, result, week))

    def _fold_into(self, acc: ProjectAgreementAccumulator, record: FoldRecord) -> None:
        # As ProjectAgreementAccumulator.add_article, from the record's matrices.
        acc.accumulators[PRESENCE_KEY].add(
            record.presence, cluster=record.article_id, coder_ids=record.coders
        )
        for spec in self.fields:
            acc.accumulators[spec.key].add(
                record.matrices[spec.key], cluster=record.article_id, coder_ids=record.coders
            )

    def fold(self, record: FoldRecord) -> None:
        self.n_articles += 1
        article_id, coders = record.article_id, record.coders
        if record.unitizing is not None:
            self.unitizing.append(UnitizingPart(*record.unitizing))
            self.unitizing_coders.update(coders)
        self._fold_into(self.overall, record)
        if record.week is not None:
            weekly = self.by_week.get(record.week)
            if weekly is None:  # a chart, not an inference: no bootstrap, no per-unit copies
                weekly = self.by_week[record.week] = ProjectAgreementAccumulator(
                    self.fields, keep_units=False
                )
            self._fold_into(weekly, record)
        clusters_by_type: dict[str, list[int]] = {}
        for index, code in enumerate(record.cluster_types):
            clusters_by_type.setdefault(code, []).append(index)
        for code, indexes in clusters_by_type.items():
            acc = self.by_type.get(code)
            if acc is None:  # drill-downs are not bootstrapped: no per-unit copies
                acc = self.by_type[code] = ProjectAgreementAccumulator(
                    self.fields, keep_units=False
                )
            acc.accumulators[PRESENCE_KEY].add(
                _columns(record.presence, indexes), cluster=article_id, coder_ids=coders
            )
            for spec in self.fields:
                acc.accumulators[spec.key].add(
                    _columns(record.matrices[spec.key], indexes),
                    cluster=article_id,
                    coder_ids=coders,
                )
        for (i, a), (j, b) in combinations(enumerate(coders), 2):
            pair = self.by_pair.get((a, b))
            if pair is None:
                pair = self.by_pair[a, b] = AlphaAccumulator("nominal", keep_units=False)
            pair.add([record.presence[i], record.presence[j]], cluster=article_id, coder_ids=(a, b))
        for pair_key, counts in pairwise_detection(record.presence, coders):
            self.detection.add(counts)
            self.detection_by_pair.setdefault(pair_key, DetectionCounts()).add(counts)

    def _unitizing_row(self, run: AgreementRun) -> AgreementResult:
        """Project α_U on evidence spans (roles as categories), pooled over articles
        weighted by their length (coding.agreement.unitizing.pooled_unitizing_alpha)."""
        value, observed, expected = pooled_unitizing_alpha(self.unitizing)
        informative = sum(1 for part in self.unitizing if part.expected > 0)
        return AgreementResult(
            run=run,
            metric=ALPHA_U,
            field_key="",
            value=finite(value),
            status="ok" if informative else "undefined: no evidence spans",
            n_units=len(self.unitizing),
            n_pairable=informative,
            n_coders=len(self.unitizing_coders),
            details={
                "pooling": "length-weighted over articles",
                "observed_disagreement": finite(observed),
                "expected_disagreement": finite(expected),
                "code_points": sum(part.length for part in self.unitizing),
            },
        )

    def rows(self, run: AgreementRun) -> list[AgreementResult]:
        rows = []
        boots = self.overall.bootstraps(n_boot=BOOTSTRAP_SAMPLES, seed=BOOTSTRAP_SEED)
        for key, alpha in self.overall.results().items():
            boot = boots[key]
            rows.append(
                result_row(
                    run,
                    key,
                    alpha,
                    ci_low=finite(boot.low),
                    ci_high=finite(boot.high),
                    p_below_667=finite(boot.p_below_667),
                    p_below_800=finite(boot.p_below_800),
                )
            )
            rows[-1].details.update(
                {"n_boot": boot.n_boot, "seed": boot.seed, "n_articles": boot.n_clusters}
            )
        for code, acc in sorted(self.by_type.items()):
            for key, alpha in acc.results().items():
                rows.append(result_row(run, key, alpha, event_type_code=code))
        for (a, b), pair in sorted(self.by_pair.items()):
            rows.append(result_row(run, PRESENCE_KEY, pair.result(), coder_a=a, coder_b=b))
        for week, weekly in sorted(self.by_week.items()):
            for key, alpha in weekly.results().items():
                row = result_row(run, key, alpha)
                row.metric = ALPHA_BY_WEEK
                row.details["week"] = week
                rows.append(row)
        rows.append(detection_row(run, self.detection))
        rows.append(self._unitizing_row(run))
        for (a, b), counts in sorted(self.detection_by_pair.items()):
            rows.append(detection_row(run, counts, coder_a=a, coder_b=b))
        return rows


@dataclass
class ChunkOutput:
    """What a chunk contributes to its run: fold records and input digests of the articles
    with two or more coders (ascending ids), γ rows (when asked for) and γ's skipped count."""

    records: list[FoldRecord] = field(default_factory=list)
    digests: list[str] = field(default_factory=list)
    gamma: list[tuple[Any, ...]] = field(default_factory=list)
    gamma_skipped: int = 0

    def encode(self) -> bytes:
        """`marshal` (plain values only, nothing executed on load) compressed with zlib."""
        plain = (
            _PAYLOAD_FORMAT,
            [r.plain() for r in self.records],
            self.digests,
            self.gamma,
            self.gamma_skipped,
        )
        return zlib.compress(marshal.dumps(plain), 1)

    @classmethod
    def decode(cls, payload: bytes) -> ChunkOutput:
        # Written only by this code's workers into the run's own row (not user input);
        # marshal builds plain values and executes nothing.
        plain = marshal.loads(zlib.decompress(payload))  # noqa: S302
        version, records, digests, gamma, skipped = plain
        if version != _PAYLOAD_FORMAT:  # written by another release of the code: recompute
            raise ValueError(f"agreement chunk payload format {version} is not {_PAYLOAD_FORMAT}")
        return cls([FoldRecord.from_plain(r) for r in records], digests, gamma, skipped)


class RunFold:
    """The project's figures and inputs digest, folded from chunk outputs in order."""

    def __init__(self, fields: list[Any]) -> None:
        self.figures = ProjectFigures(fields)
        self.digests = hashlib.sha256(ALGORITHM_VERSION.encode())
        self.gamma: list[tuple[Any, ...]] = []
        self.gamma_skipped = 0

    def add(self, output: ChunkOutput) -> None:
        for record in output.records:
            self.figures.fold(record)
        for digest in output.digests:
            self.digests.update(digest.encode())
        self.gamma += output.gamma
        self.gamma_skipped += output.gamma_skipped
