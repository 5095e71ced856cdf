"""The audit trail: call inside the transaction of the change it records."""

from __future__ import annotations

from typing import Any

from django.db import models

from coding.models import AuditEntry, Project, User


def audit_entry(
    *,
    action: str,
    actor: User | None,
    project: Project | None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """The audit row `audit_record` writes, not saved (for a service that inserts it in one
    statement with the change it records)."""
    return AuditEntry(
        action=action,
        actor=actor,
        project=project,
        target_type=(target._meta.model_name or "") if target is not None else "",
        target_id=target.pk if target is not None else None,
        data=data or {},
    )


def audit_record(
    *,
    action: str,
    actor: User | None,
    project: Project | None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit row. Precondition: called in the same transaction as the change."""
    entry = audit_entry(action=action, actor=actor, project=project, target=target, data=data)
    entry.save(force_insert=True)
    return entry
