"""Leases on project agreement runs: which worker may compute a queued/running run.

A run handed to the broker has a lease and no token; the worker that takes it sets its own
token and renews the lease after every chunk (a heartbeat). A second delivery of the same
message finds the lease held and does nothing; a worker whose lease passed (it hung, and the
sweep gave the run to another) stops at its next heartbeat and stores nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from coding.models import AgreementRun


class LeaseLost(Exception):
    """The run's lease passed and another worker took it: this worker stops, storing
    nothing (the other one finishes it)."""


def lease_end() -> Any:
    return timezone.now() + dt.timedelta(seconds=settings.ATHAR_LEASE_SECONDS)


def run_claim(run: AgreementRun, token: str, total: int) -> bool:
    """Take a queued/running run unless a live worker holds it (atomic: of two deliveries
    of one message, exactly one takes it)."""
    now = timezone.now()
    return bool(
        AgreementRun.objects.filter(pk=run.pk, status__in=["queued", "running"])
        .filter(Q(lease_token="") | Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(
            status=AgreementRun.Status.RUNNING,
            lease_token=token,
            lease_until=lease_end(),
            progress_done=0,
            progress_total=total,
            started_at=now,
            error="",
        )
    )


def run_renew(run: AgreementRun, token: str, **changes: Any) -> None:
    """Extend the lease (a heartbeat after every chunk); LeaseLost if it is no longer ours."""
    if not AgreementRun.objects.filter(pk=run.pk, lease_token=token).update(
        lease_until=lease_end(), **changes
    ):
        raise LeaseLost(f"agreement run {run.pk} was taken by another worker")
