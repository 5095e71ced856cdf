"""The machine coder's writes: settings, training requests, the training itself.

Flow: ``recommender_train_request`` (a supervisor's train action, or the after-validation
check) writes a queued model and an outbox row in one transaction; the outbox drain hands
the model to a worker (``coding.train_recommender``) with a lease and re-records itself to
watch it, so a lost message or a dead worker only delays the training. The worker claims
the model (queued, or training with a lease that passed), reads the gold in chunks,
renews its lease between chunks, and stores the artifact only while it still holds the
lease. A model that fails keeps its error; a new request trains again.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coding import recommender_selectors as selectors
from coding.errors import Conflict, ValidationFailed
from coding.models import (
    Membership,
    OutboxItem,
    Project,
    RecommenderModel,
    RecommenderSettings,
    User,
)
from coding.recommender.artifact import ALGORITHM
from coding.recommender.gold import GoldArticle
from coding.services.audit import audit_record
from coding.services.outbox import outbox_record

log = logging.getLogger(__name__)

TRAIN_TASK = "coding.train_recommender"


class LeaseLost(Exception):
    """Another worker took the training over (this one was too slow): stop, store nothing."""


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=django_settings.ATHAR_LEASE_SECONDS)


# --- settings -------------------------------------------------------------------------------


@transaction.atomic
def recommender_settings_update(
    *, project: Project, actor: User, changes: dict[str, Any]
) -> RecommenderSettings:
    """Change the project's recommender settings (any of enabled, min_events, retrain_after,
    threshold, hidden_from: a list of coder ids, the control group). Every value is checked
    before anything is written."""
    errors: list[dict[str, str]] = []
    hidden = changes.get("hidden_from")
    if hidden is not None:
        coders = set(
            Membership.objects.filter(
                project=project, role="coder", user_id__in=hidden
            ).values_list("user_id", flat=True)
        )
        for user_id in sorted(set(hidden) - coders):
            errors.append({"field": "hidden_from", "code": "not_a_coder", "message": f"{user_id}"})
    threshold = changes.get("threshold")
    if threshold is not None and not 0 < threshold < 1:
        errors.append({"field": "threshold", "code": "out_of_range", "message": "0 < t < 1"})
    for key in ("min_events", "retrain_after"):
        if changes.get(key) is not None and changes[key] < 1:
            errors.append({"field": key, "code": "out_of_range", "message": "at least 1"})
    if errors:
        raise ValidationFailed("the recommender settings were not changed", errors=errors)
    row, _ = RecommenderSettings.objects.select_for_update().get_or_create(project=project)
    for key in ("enabled", "min_events", "retrain_after", "threshold"):
        if changes.get(key) is not None:
            setattr(row, key, changes[key])
    row.save()
    if hidden is not None:
        row.hidden_from.set(sorted(set(hidden)))
    audit_record(
        action="recommender.settings",
        actor=actor,
        project=project,
        target=row,
        data={k: v for k, v in changes.items() if v is not None},
    )
    return row


# --- training requests ----------------------------------------------------------------------


def _active(project: Project) -> RecommenderModel | None:
    return (
        RecommenderModel.objects.filter(project=project, status__in=["queued", "training"])
        .defer("artifact", "article_ids")
        .first()
    )


@transaction.atomic
def recommender_train_request(
    *, project: Project, actor: User | None, reason: str = "manual", seed: int = 0
) -> RecommenderModel:
    """Queue a training of the project's model (the one already queued or training, if
    any: one at a time). Refused (Conflict) while the recommender is turned off."""
    locked = Project.objects.select_for_update().get(pk=project.pk)
    config = selectors.recommender_settings(locked)
    if not config.enabled:
        raise Conflict("the machine coder is turned off for this project", code="recommender_off")
    active = _active(locked)
    if active is not None:
        return active
    number = (
        RecommenderModel.objects.filter(project=locked).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    model = RecommenderModel.objects.create(
        project=locked,
        number=number,
        codebook_version_id=locked.codebook_version_id,
        reason=reason,
        requested_by=actor,
        seed=seed,
        algorithm=ALGORITHM,
        min_events=config.min_events,
        threshold=config.threshold,
    )
    outbox_record(
        kind=OutboxItem.Kind.RECOMMENDER_TRAIN,
        key=f"model:{model.pk}",
        payload={"model_id": model.pk},
    )
    audit_record(
        action="recommender.train_request",
        actor=actor,
        project=locked,
        target=model,
        data={"number": number, "reason": reason, "seed": seed},
    )
    return model


def recommender_check(*, project_id: int) -> RecommenderModel | None:
    """The after-validation work: retrain when ``retrain_after`` articles were validated
    since the newest model's gold was read; re-measure the current model. Returns the model
    queued, if one was."""
    from coding.services.recommender_measure import recommender_evaluate

    project = Project.objects.select_related("codebook_version").filter(pk=project_id).first()
    if project is None:
        return None
    config = selectors.recommender_settings(project)
    current = selectors.current_model(project)
    if current is not None:
        recommender_evaluate(model_id=current.pk)
    if not config.enabled or _active(project) is not None:
        return None
    newest = selectors.newest_ready_model(project)
    since = newest.trained_through if newest is not None else None
    if selectors.validated_since(project, since) < config.retrain_after:
        return None
    return recommender_train_request(project=project, actor=None, reason="auto")


# --- hand-over (outbox) ---------------------------------------------------------------------


def recommender_hand_over(*, model_id: int) -> None:
    """Give a queued model (or one whose worker's lease passed) to the broker, and watch it:
    re-record this work for when the lease passes. Inside the drain's transaction."""
    model = (
        RecommenderModel.objects.select_for_update(skip_locked=True)
        .defer("artifact", "article_ids")
        .filter(pk=model_id, status__in=["queued", "training"])
        .first()
    )
    if model is None:  # done, failed, or being claimed right now
        return
    now = timezone.now()
    if model.status == "training" and model.lease_until and model.lease_until > now:
        _watch(model, model.lease_until)
        return
    if model.attempts >= django_settings.ATHAR_WORK_MAX_ATTEMPTS:
        RecommenderModel.objects.filter(pk=model.pk).update(
            status="failed",
            finished_at=now,
            lease_until=None,
            lease_token="",
            error=f"its worker was lost {model.attempts} times; train again",
        )
        return
    until = now + _lease()
    RecommenderModel.objects.filter(pk=model.pk).update(
        status="queued", lease_until=until, lease_token="", attempts=model.attempts + 1
    )
    _send_after_commit(model.pk)
    _watch(model, until)


def _watch(model: RecommenderModel, until: dt.datetime) -> None:
    outbox_record(
        kind=OutboxItem.Kind.RECOMMENDER_TRAIN,
        key=f"model:{model.pk}",
        payload={"model_id": model.pk},
        delay_seconds=max(1.0, (until - timezone.now()).total_seconds() + 1.0),
    )


def _send_after_commit(model_id: int) -> None:
    def send() -> None:
        from celery import current_app

        task = current_app.tasks[TRAIN_TASK]
        if current_app.conf.task_always_eager:
            task.delay(model_id)
            return
        try:
            task.delay(model_id)
        except Exception:
            log.warning(
                "could not send %s(%s); the watch will", TRAIN_TASK, model_id, exc_info=True
            )

    transaction.on_commit(send)


# --- training -------------------------------------------------------------------------------


def _claim(model_id: int, token: str) -> bool:
    now = timezone.now()
    with transaction.atomic():
        model = (
            RecommenderModel.objects.select_for_update(skip_locked=True)
            .defer("artifact", "article_ids")
            .filter(pk=model_id)
            .first()
        )
        if model is None:
            return False
        claimable = model.status == "queued" or (
            model.status == "training" and (model.lease_until is None or model.lease_until < now)
        )
        if not claimable:
            return False
        RecommenderModel.objects.filter(pk=model_id).update(
            status="training", lease_token=token, lease_until=now + _lease(), started_at=now
        )
    return True


def _renew(model_id: int, token: str) -> None:
    renewed = RecommenderModel.objects.filter(
        pk=model_id, status="training", lease_token=token
    ).update(lease_until=timezone.now() + _lease())
    if not renewed:
        raise LeaseLost(f"model {model_id}")


def _renewing(
    chunks: Iterable[list[GoldArticle]], model_id: int, token: str
) -> Iterable[list[GoldArticle]]:
    for chunk in chunks:
        _renew(model_id, token)
        yield chunk


def recommender_train(*, model_id: int) -> RecommenderModel | None:
    """Train a queued model (the worker's side). Idempotent: a model that is ready, failed,
    or held by another live worker is left alone (None)."""
    token = secrets.token_hex(16)
    if not _claim(model_id, token):
        return None
    model = RecommenderModel.objects.select_related("project").defer("artifact").get(pk=model_id)
    try:
        return _train_claimed(model, token)
    except LeaseLost:
        log.warning("recommender model %s: lease lost, another worker trains it", model_id)
        return None
    except Exception as exc:
        RecommenderModel.objects.filter(pk=model_id, lease_token=token).update(
            status="queued" if _transient(exc) else "failed",
            lease_until=None,
            finished_at=None if _transient(exc) else timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:2000],
        )
        raise


def _transient(exc: Exception) -> bool:
    from django.db import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError | ConnectionError | TimeoutError)


def _train_claimed(model: RecommenderModel, token: str) -> RecommenderModel:
    from coding.recommender.training import TrainingSettings, epochs_for, train

    version_id = model.codebook_version_id
    through = timezone.now()
    article_ids = selectors.validated_article_ids(model.project, through=through)
    counts = selectors.gold_label_counts(article_ids, version_id)
    parents = selectors.label_parents(version_id)
    settings = TrainingSettings(
        seed=model.seed,
        min_events=model.min_events,
        threshold=model.threshold,
        epochs=epochs_for(len(article_ids)),
    )
    digest = selectors.training_digest(article_ids, version_id, model.seed, model.min_events)
    artifact, report = train(
        lambda: _renewing(selectors.gold_chunks(article_ids, version_id), model.pk, token),
        label_counts=counts,
        parents=parents,
        settings=settings,
    )
    stored = {
        **asdict(report),
        "epochs": settings.epochs,
        "message": _message(report.labels, len(article_ids)),
    }
    with transaction.atomic():
        saved = RecommenderModel.objects.filter(
            pk=model.pk, status="training", lease_token=token
        ).update(
            status="ready",
            artifact=artifact.to_bytes(),
            model_sha256=artifact.sha256(),
            training_digest=digest,
            trained_through=through,
            article_ids=article_ids,
            articles=report.articles,
            events=report.events,
            report=stored,
            finished_at=timezone.now(),
            lease_until=None,
            lease_token="",
            error="",
        )
        if not saved:
            raise LeaseLost(f"model {model.pk}")
        audit_record(
            action="recommender.trained",
            actor=None,
            project=model.project,
            target=model,
            data={"number": model.number, "training_digest": digest},
        )
    return RecommenderModel.objects.defer("artifact", "article_ids").get(pk=model.pk)


def _message(labels: Sequence[Any], articles: int) -> str:
    trained = [label for label in labels if label.trained]
    if not labels:
        return f"no validated events to learn from ({articles} validated articles)"
    if not trained:
        return "too little data: no type has enough validated events, nothing is suggested"
    skipped = len(labels) - len(trained)
    if skipped:
        return f"{skipped} of {len(labels)} types and sub-types have too little data"
    return ""
