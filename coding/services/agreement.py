"""Agreement runs: per article (after the last submission) and per project (debounced, or a
supervisor's recompute).

Runs are keyed by a digest of their inputs (coder events and their versions, the codebook
version, the algorithm version): computing the same inputs again changes nothing, so a task
that is delivered twice, or re-run after its worker died, is harmless. A project run is
split into chunks that any number of workers compute (coding.services.agreement_chunks);
`project_agreement_compute` computes the same chunks in one process, with the same result.

The pieces: agreement_inputs (stored events → the maths' inputs), agreement_store (article
runs as rows), agreement_figures (project figures from fold records), agreement_chunks
(the distributed recompute), agreement_publish (a run's results, all at once),
agreement_leases, agreement_schedule, agreement_gamma.
"""

from __future__ import annotations

import os
import uuid

from django.db import transaction
from django.utils import timezone

from coding.codebook_runtime import version_spec
from coding.models import AgreementRun, Article, Project, User
from coding.services.agreement_chunks import (
    compute_chunk,
    cyclic_gc_paused,
    fault_pause,
    ready_article_ids,
)
from coding.services.agreement_figures import (
    BOOTSTRAP_SAMPLES,
    BOOTSTRAP_SEED,
    ProjectFigures,
    RunFold,
    coding_week,
)
from coding.services.agreement_inputs import agreement_fields, load_article_inputs
from coding.services.agreement_leases import lease_end as _lease_end
from coding.services.agreement_leases import run_claim as _claim
from coding.services.agreement_leases import run_renew as _renew
from coding.services.agreement_publish import run_publish
from coding.services.agreement_rows import ALPHA_BY_WEEK, ALPHA_U, DETECTION_F1
from coding.services.agreement_store import save_article_run

_ProjectFigures = ProjectFigures  # the name tests and benchmarks know

__all__ = [
    "ALPHA_BY_WEEK",
    "ALPHA_U",
    "BOOTSTRAP_SAMPLES",
    "BOOTSTRAP_SEED",
    "DETECTION_F1",
    "article_agreement_compute",
    "coding_week",
    "latest_article_run",
    "latest_project_run",
    "project_agreement_compute",
    "project_recompute_request",
]


def article_agreement_compute(*, article_id: int) -> AgreementRun | None:
    """Compute (or find) the agreement run of an article whose coders have all submitted.

    Returns None when the article is not ready (a coder has not submitted, or no coder). An
    article with one coder gets a run too: no agreement figures, but its clusters (one per
    event) for adjudication.
    """
    article = Article.objects.select_related("project__codebook_version").get(pk=article_id)
    version = article.project.codebook_version
    spec = version_spec(version)
    inputs = load_article_inputs([article_id], spec, version.pk)
    if not inputs:
        return None
    return save_article_run(article.project, inputs[0], agreement_fields(spec))


def latest_article_run(article_id: int) -> AgreementRun | None:
    return (
        AgreementRun.objects.filter(
            article_id=article_id, scope="article", status=AgreementRun.Status.DONE
        )
        .order_by("-finished_at", "-id")
        .first()
    )


# --- Project level ---------------------------------------------------------------------------


def project_agreement_compute(*, project_id: int, run_id: int | None = None) -> AgreementRun:
    """Recompute every ready article (reusing stored article runs whose inputs are unchanged)
    and the project's figures, in this process: the chunks the distributed path spreads over
    workers (coding.services.agreement_chunks), computed one after the other and folded in
    the same order, so both store the same figures. Memory stays bounded.

    With `run_id` (a run created by a supervisor's "recompute"), progress is reported on it;
    a re-delivered call starts that run over and ends with the same results.
    """
    project = Project.objects.select_related("codebook_version").get(pk=project_id)
    spec = version_spec(project.codebook_version)
    fields = agreement_fields(spec)
    token = uuid.uuid4().hex
    total = project.articles.count()
    if run_id is None:
        run = AgreementRun.objects.create(
            project=project,
            scope="project",
            status=AgreementRun.Status.RUNNING,
            input_digest=f"auto:{timezone.now().isoformat()}:{os.urandom(4).hex()}",
            started_at=timezone.now(),
            progress_total=total,
            lease_token=token,
            lease_until=_lease_end(),
        )
    else:
        run = AgreementRun.objects.get(pk=run_id, project=project, scope="project")
        if not _claim(run, token, total):
            return run  # done, failed, or leased by a live worker: a second delivery
    fold = RunFold(fields)
    done = 0
    with_gamma = bool(run.params.get("gamma"))  # asked for by a supervisor's recompute
    with cyclic_gc_paused():
        for chunk in ready_article_ids(project):
            output = compute_chunk(
                project,
                chunk,
                spec,
                fields,
                gamma=with_gamma,
                heartbeat=lambda: _renew(run, token),
            )
            fold.add(output)
            done += len(chunk)
            _renew(run, token, progress_done=min(done, total))
            fault_pause("ATHAR_AGREEMENT_TEST_PAUSE")  # the crash test's knob: between chunks
    run_publish(run, fold, token=token)
    run.refresh_from_db()
    return run


@transaction.atomic
def project_recompute_request(
    *,
    project: Project,
    kind: str = "recompute",
    gamma: bool = False,
    actor: User | None = None,
) -> AgreementRun:
    """A queued run of the project's figures, recorded with its outbox row (the drain hands
    it to a worker; the lease sweep hands it again if the worker dies). `kind` "auto" is
    the debounced run after submissions, which the drain itself creates.

    ``gamma`` asks the run for γ per article as well (coding.services.agreement_gamma; about
    1.3 s an article, so only on request). The caller has checked that ``actor`` may ask
    (supervisors and admins); the request is audited when an actor is given."""
    from coding.services.audit import audit_record
    from coding.services.outbox import outbox_record

    run = AgreementRun.objects.create(
        project=project,
        scope="project",
        status=AgreementRun.Status.QUEUED,
        input_digest=f"{kind}:{timezone.now().isoformat()}:{os.urandom(4).hex()}",
        progress_total=project.articles.count(),
        lease_until=_lease_end(),
        params={"gamma": True} if gamma else {},
    )
    if actor is not None:
        audit_record(
            action="agreement.recompute",
            actor=actor,
            project=project,
            target=run,
            data={"gamma": gamma},
        )
    if kind == "recompute":
        outbox_record(
            kind="project_run",
            key=f"run:{run.pk}",
            payload={"project_id": project.pk, "run_id": run.pk},
        )
    return run


def latest_project_run(project: Project) -> AgreementRun | None:
    return (
        AgreementRun.objects.filter(
            project=project, scope="project", status=AgreementRun.Status.DONE
        )
        .order_by("-finished_at", "-id")
        .first()
    )
