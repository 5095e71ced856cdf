"""Stored export renderings of gold events, every format (PostgreSQL only; see
coding/services/export_rows.py).

Rendering a CSV row in Python costs about 50 µs (a JSONL line about 100 µs), a stored one
about 1 µs to stream. A rendering is only ever used while it is still what rendering would
produce now: it is keyed to everything that can change it (see ``ExportCsvRow``). The table is
a cache: emptying it loses nothing.
"""

from __future__ import annotations

from django.db import models


class ExportEpoch(models.Model):
    """At most one row (id 1; none reads as 0): a counter that PostgreSQL triggers raise
    whenever data that stored renderings show, but that is edited outside the adjudication
    workflow, changes — a dictionary entry (actor, place) or its aliases, an article's
    metadata, a codebook's slug, an event type's labels, a user's name (JSONL's
    ``decided_by``). Every stored line of an older epoch is then stale. A table rather
    than a sequence, so the raise is part of the writing transaction (a sequence moves
    before the commit)."""

    id = models.PositiveSmallIntegerField(primary_key=True)
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="exportepoch_one_row")]

    def __str__(self) -> str:
        return f"export epoch {self.value}"


class ExportCsvRow(models.Model):
    """The renderings of one gold event in every export format, valid while the event's
    ``version``, its article's ``validated_at`` and adjudication ``revision``, the project's
    codebook version (the column layout) and the ``ExportEpoch`` are those it was rendered
    with — and, for ``jsonl`` (which
    shows the article's agreement figures), while the article's latest finished agreement run
    is still ``agreement_run``.

    ``line`` is the guarded CSV line (with its CRLF, no BOM); ``csv_exact`` the line without
    the formula guard where it differs (NULL: the same). ``jsonl`` is the JSONL line (NULL in
    rows stored before every format was: such a row holds only ``line``), ``geojson`` the
    GeoJSON feature without a separator ("" for an event without coordinates), ``plover`` the
    PLOVER JSONL line (NULL unless the codebook is on the PLOVER preset). The name stayed
    from when only CSV lines were stored.

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
    # NULL (not stored) and "" (a stored empty text: an event without a GeoJSON feature)
    # mean different things here.
    csv_exact = models.TextField(null=True, blank=True)  # noqa: DJ001
    jsonl = models.TextField(null=True, blank=True)  # noqa: DJ001
    geojson = models.TextField(null=True, blank=True)  # noqa: DJ001
    plover = models.TextField(null=True, blank=True)  # noqa: DJ001
    revision = models.PositiveIntegerField(
        default=0, help_text="The article's adjudication revision (JSONL shows it) when rendered."
    )
    agreement_run = models.BigIntegerField(
        default=0, help_text="The article's latest done agreement run (0: none) when rendered."
    )

    def __str__(self) -> str:
        return f"CSV line of gold event {self.event_id} (epoch {self.epoch})"
