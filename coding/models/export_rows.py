"""Stored CSV export lines of gold events (PostgreSQL only; see coding/services/export_rows.py).

Rendering a CSV row in Python costs about 50 µs, a stored line about 1 µs to stream. A line is
only ever used while it is still what rendering would produce now: it is keyed to everything
that can change it (see ``ExportCsvRow``). The table is a cache: emptying it loses nothing.
"""

from __future__ import annotations

from django.db import models


class ExportEpoch(models.Model):
    """At most one row (id 1; none reads as 0): a counter that PostgreSQL triggers raise
    whenever data that CSV lines show, but that is edited outside the adjudication workflow,
    changes — a dictionary entry (actor, place), an article's metadata, a codebook's slug, an
    event type's labels. Every stored line of an older epoch is then stale. A table rather
    than a sequence, so the raise is part of the writing transaction (a sequence moves
    before the commit)."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="exportepoch_one_row")]

    def __str__(self) -> str:
        return f"export epoch {self.value}"


class ExportCsvRow(models.Model):
    """The CSV line (with its CRLF, no BOM, no formula guard) of one gold event, valid while
    the event's ``version``, its article's ``validated_at``, the project's codebook version
    (the column layout) and the ``ExportEpoch`` are those it was rendered with.

    Gold events change only while their article's adjudication is open, and validating it
    again sets a new ``validated_at``; that is why the event's own data need no trigger.
    ``event_id`` references the gold event with ON DELETE CASCADE in the database (added in
    the migration), so Django issues no extra query when events are deleted."""

    event_id = models.BigIntegerField(primary_key=True)
    codebook_version_id = models.BigIntegerField()
    epoch = models.BigIntegerField()
    event_version = models.PositiveIntegerField()
    validated_at = models.DateTimeField()
    line = models.TextField()

    def __str__(self) -> str:
        return f"CSV line of gold event {self.event_id} (epoch {self.epoch})"
