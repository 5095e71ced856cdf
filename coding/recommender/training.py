"""Training: one linear classifier per event type and sub-type over sentence features.

A sentence is a positive example of a label when a validated (gold) event of that type or
sub-type is anchored in it (its trigger span, else its first evidence span); every other
sentence of a validated article is a negative. Events without any span cannot be placed in
a sentence and are counted as unlocated. A label with fewer than ``min_events`` gold events
is not trained (too little data: no suggestions for it, and the report says why).

Articles are streamed in chunks (``chunks()`` is called once per epoch), so memory is
bounded by the chunk size plus one weight vector per label. Each article goes, by a hash of
its key and the seed, to training (80 %), calibration (10 %) or evaluation (10 %); the
held-out articles are capped at ``max_holdout`` each so their features stay small.
Weights: ``SGDClassifier(loss="log_loss", average=True)`` fitted with ``partial_fit``;
probabilities: Platt scaling (a one-feature logistic regression on the calibration scores);
precision and recall at the suggestion threshold: on the evaluation articles. Same chunks,
same seed: same model (``Artifact.sha256``).
"""

from __future__ import annotations

import hashlib
import math
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression, SGDClassifier

from coding.recommender.artifact import ALGORITHM, Artifact
from coding.recommender.features import FEATURES, article_sentences, vectorize
from coding.recommender.gold import GoldArticle, GoldEvent
from coding.text.arabic import fold_letters

__all__ = ["GoldArticle", "GoldEvent", "LabelReport", "TrainingReport", "TrainingSettings", "train"]

MIN_CALIBRATION_POSITIVES = 3
LEXICON_SIZE = 300


@dataclass(frozen=True)
class TrainingSettings:
    seed: int = 0
    min_events: int = 20
    threshold: float = 0.5
    epochs: int = 1
    holdout: float = 0.2
    max_holdout: int = 1000
    alpha: float = 1e-5


@dataclass
class LabelReport:
    label: str
    parent: str | None
    gold_events: int
    trained: bool
    message: str = ""
    heldout_positives: int = 0
    precision: float | None = None
    recall: float | None = None


@dataclass
class TrainingReport:
    articles: int = 0
    sentences: int = 0
    events: int = 0
    unlocated_events: int = 0
    heldout_articles: int = 0
    labels: list[LabelReport] = field(default_factory=list)
    precision: float | None = None
    recall: float | None = None


def _bucket(seed: int, key: int) -> float:
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _rows(article: GoldArticle, labels: Mapping[str, int]) -> tuple[list[str], np.ndarray, int]:
    """Folded sentences of an article and their (sentences × labels) 0/1 matrix."""
    cut = article_sentences(article.text)
    y = np.zeros((len(cut.spans), len(labels)), dtype=np.int8)
    starts = [s for s, _ in cut.spans]
    unlocated = 0
    for event in article.events:
        if event.anchor is None or not cut.spans:
            unlocated += 1
            continue
        index = max(0, bisect_right(starts, event.anchor) - 1)
        if cut.spans[index][1] <= event.anchor and index + 1 < len(cut.spans):
            index += 1  # anchored in the blank between two sentences: the next one
        for label in event.labels:
            if label in labels:
                y[index, labels[label]] = 1
    texts = [cut.folded_text(k) for k in range(len(cut.spans))]
    return texts, y, unlocated


class _Holdout:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.articles = 0
        self.x: list[sparse.csr_matrix] = []
        self.y: list[np.ndarray] = []

    def add(self, texts: list[str], y: np.ndarray) -> None:
        if texts:
            self.x.append(vectorize(texts))
            self.y.append(y)
        self.articles += 1

    def full(self) -> bool:
        return self.articles >= self.limit

    def stacked(self, n_labels: int) -> tuple[sparse.csr_matrix | None, np.ndarray]:
        if not self.x:
            return None, np.zeros((0, n_labels), dtype=np.int8)
        return sparse.vstack(self.x, format="csr"), np.vstack(self.y)


def train(
    chunks: Callable[[], Iterable[Sequence[GoldArticle]]],
    *,
    label_counts: Mapping[str, int],
    parents: Mapping[str, str | None],
    settings: TrainingSettings,
) -> tuple[Artifact, TrainingReport]:
    """Train on the articles ``chunks()`` yields; ``label_counts`` are the gold events per
    label (type or sub-type code) and ``parents`` each label's type (None for a type)."""
    report = TrainingReport()
    trained = sorted(label for label, n in label_counts.items() if n >= settings.min_events)
    for label in sorted(label_counts):
        n = label_counts[label]
        ok = label in trained
        report.labels.append(
            LabelReport(
                label=label,
                parent=parents.get(label),
                gold_events=n,
                trained=ok,
                message=""
                if ok
                else f"{n} validated events, {settings.min_events} needed: no suggestions",
            )
        )
    index = {label: k for k, label in enumerate(trained)}
    models = [
        SGDClassifier(
            loss="log_loss", alpha=settings.alpha, average=True, random_state=settings.seed + k
        )
        for k in range(len(trained))
    ]
    fitted = [False] * len(trained)
    calibration, evaluation = _Holdout(settings.max_holdout), _Holdout(settings.max_holdout)
    triggers: dict[str, Counter[str]] = defaultdict(Counter)
    half = settings.holdout / 2
    for epoch in range(max(1, settings.epochs)):
        for chunk in chunks():
            texts: list[str] = []
            ys: list[np.ndarray] = []
            for article in chunk:
                rows, y, unlocated = _rows(article, index)
                bucket = _bucket(settings.seed, article.key)
                if epoch == 0:
                    report.articles += 1
                    report.sentences += len(rows)
                    report.events += len(article.events)
                    report.unlocated_events += unlocated
                if bucket < half and not calibration.full():
                    if epoch == 0:
                        calibration.add(rows, y)
                    continue
                if half <= bucket < settings.holdout and not evaluation.full():
                    if epoch == 0:
                        evaluation.add(rows, y)
                    continue
                texts.extend(rows)
                ys.append(y)
                if epoch == 0:
                    _collect_triggers(article, triggers)
            if not texts or not trained:
                continue
            x = vectorize(texts)
            y_all = np.vstack(ys)
            for k, model in enumerate(models):
                model.partial_fit(x, y_all[:, k], classes=np.array([0, 1]))
                fitted[k] = True
    report.heldout_articles = calibration.articles + evaluation.articles
    artifact = _artifact(trained, models, fitted, triggers, parents, settings)
    _calibrate(artifact, calibration.stacked(len(trained)))
    _evaluate(artifact, evaluation.stacked(len(trained)), report, settings.threshold)
    return artifact, report


def _collect_triggers(article: GoldArticle, triggers: dict[str, Counter[str]]) -> None:
    for event in article.events:
        if event.trigger is None:
            continue
        word = fold_letters(article.text[event.trigger[0] : event.trigger[1]]).strip()
        if not word or len(word) > 60:
            continue
        for label in event.labels:
            triggers[label][word] += 1


def _artifact(
    labels: list[str],
    models: list[SGDClassifier],
    fitted: list[bool],
    triggers: Mapping[str, Counter[str]],
    parents: Mapping[str, str | None],
    settings: TrainingSettings,
) -> Artifact:
    indices, weights, intercepts = [], [], []
    for model, ok in zip(models, fitted, strict=True):
        if not ok:  # every article of the label was held out: it predicts nothing
            indices.append(np.zeros(0, np.int32))
            weights.append(np.zeros(0, np.float32))
            intercepts.append(-30.0)
            continue
        coef = model.coef_[0]
        nonzero = np.flatnonzero(coef).astype(np.int32)
        indices.append(nonzero)
        weights.append(coef[nonzero].astype(np.float32))
        intercepts.append(float(model.intercept_[0]))
    lexicon = {}
    for label in labels:
        counts = triggers.get(label)
        if counts:
            total = sum(counts.values())
            top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:LEXICON_SIZE]
            lexicon[label] = {word: round(n / total, 6) for word, n in top}
    return Artifact(
        labels=tuple(labels),
        indices=tuple(indices),
        weights=tuple(weights),
        intercepts=np.array(intercepts, dtype=np.float64),
        platt=np.tile(np.array([1.0, 0.0]), (len(labels), 1)),
        lexicon=lexicon,
        meta={
            "algorithm": ALGORITHM,
            "features": FEATURES,
            "seed": settings.seed,
            "epochs": settings.epochs,
            "alpha": settings.alpha,
            "parents": {label: parents.get(label) for label in labels},
        },
    )


def _raw_scores(artifact: Artifact, x: sparse.csr_matrix) -> np.ndarray:
    return (x @ artifact.matrix).toarray() + artifact.intercepts


def _calibrate(artifact: Artifact, held: tuple[sparse.csr_matrix | None, np.ndarray]) -> None:
    """Platt scaling per label on the calibration articles (left at a=1, b=0, the log-loss
    model's own probability, when they hold fewer than 3 positives or no negative)."""
    x, y = held
    if x is None or not artifact.labels:
        return
    scores = _raw_scores(artifact, x)
    for k in range(len(artifact.labels)):
        positives = int(y[:, k].sum())
        if positives < MIN_CALIBRATION_POSITIVES or positives == len(y):
            continue
        platt = LogisticRegression(C=1e4).fit(scores[:, k : k + 1], y[:, k])
        artifact.platt[k] = (float(platt.coef_[0, 0]), float(platt.intercept_[0]))


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def _evaluate(
    artifact: Artifact,
    held: tuple[sparse.csr_matrix | None, np.ndarray],
    report: TrainingReport,
    threshold: float,
) -> None:
    x, y = held
    if x is None or not artifact.labels:
        return
    predicted = artifact.probabilities(x) >= threshold
    by_label = {r.label: r for r in report.labels}
    tp_all = fp_all = fn_all = 0
    for k, label in enumerate(artifact.labels):
        truth = y[:, k].astype(bool)
        tp = int((predicted[:, k] & truth).sum())
        fp = int((predicted[:, k] & ~truth).sum())
        fn = int((~predicted[:, k] & truth).sum())
        row = by_label[label]
        row.heldout_positives = int(truth.sum())
        row.precision, row.recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
    report.precision = _ratio(tp_all, tp_all + fp_all)
    report.recall = _ratio(tp_all, tp_all + fn_all)


def epochs_for(articles: int) -> int:
    """Passes over the data: one for a large project, up to ten for a small one (SGD needs
    about 20,000 article visits to settle)."""
    return max(1, min(10, math.ceil(20_000 / max(1, articles))))
