"""Publishing a project run: its figures appear all at once, or not at all.

The run's rows are written in one transaction holding the run row's lock, and only if the
run is still live (queued or running): of two workers finishing the same run, one
publishes. A run that a newer done run of the project has superseded never overwrites it:
it is marked failed, with the newer run named, and stores nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from coding.models import AgreementChunk, AgreementResult, AgreementRun
from coding.services.agreement_figures import BOOTSTRAP_SAMPLES, BOOTSTRAP_SEED, RunFold
from coding.services.agreement_gamma import gamma_result_row
from coding.services.agreement_inputs import ALGORITHM_VERSION
from coding.services.agreement_leases import LeaseLost
from coding.services.export_rows import csv_rows_schedule_after_run

_LIVE = (AgreementRun.Status.QUEUED, AgreementRun.Status.RUNNING)


def run_publish(run: AgreementRun, fold: RunFold, *, token: str | None = None) -> bool:
    """Store `fold`'s figures as the run's results and mark it done; False when the run was
    no longer live or was superseded. With `token` (one process computing the whole run),
    LeaseLost if the run's lease passed to another worker meanwhile."""
    rows = fold.figures.rows(run)  # the bootstrap: outside the transaction
    with_gamma = bool(run.params.get("gamma"))
    if with_gamma:
        rows += [gamma_result_row(run, plain) for plain in fold.gamma]
    now = timezone.now()
    with transaction.atomic():
        locked = AgreementRun.objects.select_for_update().get(pk=run.pk)
        if token is not None and locked.lease_token != token:
            raise LeaseLost(f"agreement run {run.pk} was taken by another worker")
        if locked.status not in _LIVE:
            return False
        newer = (
            AgreementRun.objects.filter(
                project_id=run.project_id, scope="project", status="done", pk__gt=run.pk
            )
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first()
        )
        AgreementChunk.objects.filter(run=run).delete()
        if newer is not None:
            AgreementRun.objects.filter(pk=run.pk).update(
                status=AgreementRun.Status.FAILED,
                lease_until=None,
                lease_token="",
                finished_at=now,
                error=f"superseded by the newer run {newer}, which is kept",
            )
            return False
        AgreementResult.objects.filter(run=run).delete()
        AgreementResult.objects.bulk_create(rows)
        gamma = {"gamma": {"articles": len(fold.gamma), "skipped": fold.gamma_skipped}}
        AgreementRun.objects.filter(pk=run.pk).update(
            status=AgreementRun.Status.DONE,
            lease_until=None,
            lease_token="",
            progress_done=locked.progress_total,
            finished_at=now,
            params={
                "algorithm": ALGORITHM_VERSION,
                "inputs_digest": fold.digests.hexdigest(),
                "n_articles": fold.figures.n_articles,
                "bootstrap": {
                    "samples": BOOTSTRAP_SAMPLES,
                    "seed": BOOTSTRAP_SEED,
                    "resampled_unit": "article",
                },
                **(gamma if with_gamma else {}),
            },
        )
        # Articles computed again show new figures in JSONL: their stored lines follow.
        csv_rows_schedule_after_run(run=run)
    return True
