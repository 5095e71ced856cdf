"""Reads for the machine coder: its settings, its models, the gold it trains on.

Gold is read in chunks of articles (``gold_chunks``), three queries a chunk, so training
holds one chunk in memory at a time. Only gold events coded under the model's codebook
version are read: a model never learns from another codebook's types.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from functools import lru_cache

from coding.codebook_runtime import event_type_codes
from coding.models import (
    Adjudication,
    Article,
    CodedEvent,
    EventType,
    EvidenceSpan,
    Project,
    RecommenderModel,
    RecommenderSettings,
)
from coding.recommender.artifact import ALGORITHM, FEATURES, Artifact
from coding.recommender.gold import GoldArticle, GoldEvent

CHUNK_ARTICLES = 500
TRIGGER_ROLE = "trigger"


def recommender_settings(project: Project) -> RecommenderSettings:
    """The project's settings row, or an unsaved one with the defaults."""
    found = RecommenderSettings.objects.filter(project=project).first()
    return found if found is not None else RecommenderSettings(project=project)


def hidden_coder_ids(project: Project) -> list[int]:
    found = RecommenderSettings.objects.filter(project=project).first()
    if found is None:
        return []
    return sorted(found.hidden_from.values_list("pk", flat=True))


def project_models(project: Project) -> list[RecommenderModel]:
    """Every model of the project, newest first, without the artifact bytes."""
    return list(
        RecommenderModel.objects.filter(project=project)
        .defer("artifact", "article_ids")
        .order_by("-number")
    )


def current_model(project: Project) -> RecommenderModel | None:
    """The newest ready model trained under the project's codebook version (a model of
    another version is never used)."""
    return (
        RecommenderModel.objects.filter(
            project=project, status="ready", codebook_version_id=project.codebook_version_id
        )
        .defer("article_ids")
        .order_by("-number")
        .first()
    )


def newest_ready_model(project: Project) -> RecommenderModel | None:
    return (
        RecommenderModel.objects.filter(project=project, status="ready")
        .defer("artifact", "article_ids")
        .order_by("-number")
        .first()
    )


@lru_cache(maxsize=16)
def _artifact(model_id: int, sha256: str) -> Artifact:
    data = RecommenderModel.objects.values_list("artifact", flat=True).get(pk=model_id)
    if data is None:
        raise ValueError(f"model {model_id} has no artifact (not trained)")
    artifact = Artifact.from_bytes(bytes(data))
    if artifact.sha256() != sha256:
        raise ValueError(f"model {model_id}: stored artifact does not match its digest")
    return artifact


def model_artifact(model: RecommenderModel) -> Artifact:
    """The model's artifact, loaded once per process (models never change once ready)."""
    return _artifact(model.pk, model.model_sha256)


def validated_article_ids(project: Project, *, through: dt.datetime) -> list[int]:
    return list(
        Adjudication.objects.filter(project=project, status="validated", validated_at__lte=through)
        .order_by("article_id")
        .values_list("article_id", flat=True)
    )


def validated_since(project: Project, moment: dt.datetime | None) -> int:
    """Articles validated after ``moment`` (all validated ones when None)."""
    found = Adjudication.objects.filter(project=project, status="validated")
    if moment is not None:
        found = found.filter(validated_at__gt=moment)
    return found.count()


def label_parents(version_id: int) -> dict[str, str | None]:
    """Type code → None, sub-type code → its type's code."""
    codes = event_type_codes(version_id)
    return {
        codes[pk]: (codes[parent] if parent else None)
        for pk, parent in EventType.objects.filter(version_id=version_id).values_list(
            "pk", "parent_id"
        )
    }


def gold_label_counts(article_ids: Sequence[int], version_id: int) -> Counter[str]:
    """Validated gold events per type and per sub-type (events of this version only)."""
    codes = event_type_codes(version_id)
    counts: Counter[str] = Counter()
    for start in range(0, len(article_ids), 5000):
        rows = CodedEvent.objects.filter(
            layer="gold",
            article_id__in=article_ids[start : start + 5000],
            codebook_version_id=version_id,
        ).values_list("event_type_id", "event_subtype_id")
        for type_id, subtype_id in rows:
            counts[codes[type_id]] += 1
            if subtype_id:
                counts[codes[subtype_id]] += 1
    return counts


def training_digest(article_ids: Sequence[int], version_id: int, seed: int, min_events: int) -> str:
    """SHA-256 of what a training reads: algorithm, features, codebook version, seed, the
    too-little-data rule, and every article's text digest, gold revision and gold events
    (id and version)."""
    digest = hashlib.sha256(f"{ALGORITHM}|{FEATURES}|v{version_id}|s{seed}|m{min_events}".encode())
    for start in range(0, len(article_ids), 5000):
        chunk = article_ids[start : start + 5000]
        revisions = dict(
            Adjudication.objects.filter(article_id__in=chunk).values_list("article_id", "revision")
        )
        texts = dict(Article.objects.filter(pk__in=chunk).values_list("pk", "text_sha256"))
        events: dict[int, list[str]] = defaultdict(list)
        for event_id, article_id, version in (
            CodedEvent.objects.filter(
                layer="gold", article_id__in=chunk, codebook_version_id=version_id
            )
            .order_by("id")
            .values_list("id", "article_id", "version")
        ):
            events[article_id].append(f"{event_id}:{version}")
        for article_id in chunk:
            line = f"|a{article_id}:{texts.get(article_id)}:r{revisions.get(article_id)}:"
            digest.update((line + ",".join(events[article_id])).encode())
    return digest.hexdigest()


def gold_chunks(article_ids: Sequence[int], version_id: int) -> Iterator[list[GoldArticle]]:
    """The validated articles, ``CHUNK_ARTICLES`` at a time, with their gold events."""
    codes = event_type_codes(version_id)
    for start in range(0, len(article_ids), CHUNK_ARTICLES):
        chunk = list(article_ids[start : start + CHUNK_ARTICLES])
        texts = dict(Article.objects.filter(pk__in=chunk).values_list("pk", "text"))
        rows = list(
            CodedEvent.objects.filter(
                layer="gold", article_id__in=chunk, codebook_version_id=version_id
            )
            .order_by("id")
            .values_list("id", "article_id", "event_type_id", "event_subtype_id")
        )
        spans: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
        for event_id, role, s, e in EvidenceSpan.objects.filter(
            event_id__in=[r[0] for r in rows]
        ).values_list("event_id", "role", "start", "end"):
            spans[event_id].append((role, s, e))
        events: dict[int, list[GoldEvent]] = defaultdict(list)
        for event_id, article_id, type_id, subtype_id in rows:
            labels = (codes[type_id], codes[subtype_id]) if subtype_id else (codes[type_id],)
            marked = sorted(spans[event_id], key=lambda r: (r[1], r[2], r[0]))
            trigger = next(((s, e) for role, s, e in marked if role == TRIGGER_ROLE), None)
            anchor = trigger[0] if trigger else (marked[0][1] if marked else None)
            events[article_id].append(GoldEvent(labels, anchor, trigger))
        yield [
            GoldArticle(article_id, texts[article_id], tuple(events[article_id]))
            for article_id in chunk
            if article_id in texts
        ]


def recommender_status(project: Project) -> tuple[str, str]:
    """(status, message): off, ready, training, stale (only models of another codebook
    version), none."""
    config = recommender_settings(project)
    if not config.enabled:
        return "off", "the machine coder is turned off for this project"
    current = current_model(project)
    if current is not None:
        return "ready", str(current.report.get("message", ""))
    if RecommenderModel.objects.filter(project=project, status__in=["queued", "training"]).exists():
        return "training", "the first model is being trained"
    newest = newest_ready_model(project)
    if newest is not None:
        return (
            "stale",
            "the newest model was trained under another codebook version and is not used: "
            "train again",
        )
    return "none", "no model yet: train one once gold has been validated"
