"""Store the export renderings of gold events in every format (``ExportCsvRow``: the CSV
lines, guarded and exact, the JSONL line, the GeoJSON feature, the PLOVER line), so exports
stream them.

Renderings are stored after an article is validated (a task enqueued on commit), by
``manage.py refresh_export_rows`` (after bulk dictionary changes, which make every stored
line stale through the export epoch) and by the release task. Nothing depends on a line
being there: an export renders whatever is missing or stale (``coding.export_streams``).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from coding.codebook_runtime import version_spec
from coding.export_queries import EVENT_COLUMNS, AnyOf
from coding.export_selectors import (
    CHUNK,
    EventReader,
    ExportFilters,
    fewer_collections,
    gold_events,
)
from coding.export_streams import (
    current_epoch,
    latest_agreement_run,
    stores_csv_lines,
    valid_rows,
)
from coding.exporting.renderings import EventRenderer, Rendering
from coding.models import Adjudication, AgreementRun, CodedEvent, Project

_COLUMNS = (
    "event_id, codebook_version_id, epoch, event_version, validated_at, revision, agreement_run, "
    "line, csv_exact, jsonl, geojson, plover"
)
_UPSERT = """
INSERT INTO coding_exportcsvrow (event_id, codebook_version_id, epoch, event_version,
                                 validated_at, revision, agreement_run, line, csv_exact, jsonl,
                                 geojson, plover)
SELECT event_id, codebook_version_id, epoch, event_version, validated_at, revision,
       agreement_run, line, csv_exact, jsonl, geojson, plover
FROM athar_export_rows_stage s
WHERE EXISTS (SELECT 1 FROM coding_codedevent e WHERE e.id = s.event_id)
ORDER BY event_id
ON CONFLICT (event_id) DO UPDATE SET
    codebook_version_id = EXCLUDED.codebook_version_id, epoch = EXCLUDED.epoch,
    event_version = EXCLUDED.event_version, validated_at = EXCLUDED.validated_at,
    revision = EXCLUDED.revision, agreement_run = EXCLUDED.agreement_run, line = EXCLUDED.line,
    csv_exact = EXCLUDED.csv_exact, jsonl = EXCLUDED.jsonl, geojson = EXCLUDED.geojson,
    plover = EXCLUDED.plover
"""


def csv_rows_refresh(
    *,
    project: Project,
    article_ids: Collection[int] | None = None,
    after: int = 0,
    last: int | None = None,
) -> int:
    """Render and store the renderings of every exportable gold event of ``project`` (of the
    articles ``article_ids`` only, when given; of the events with ``after < id <= last``
    only, ``last`` None: no upper bound) whose stored rendering is missing or stale in any
    format; returns how many events were stored. A no-op except on PostgreSQL.

    Idempotent, and safe to run concurrently with itself (lines are upserted in event-id
    order, so two refreshes never deadlock) and with supervisors' work: each chunk is its own
    transaction that reads the export epoch before any data (see ``current_epoch``), and is
    keyed to the event version, validation and latest agreement run it read before
    rendering, so a rendering is at worst needlessly stale (``_render``).
    """
    if not stores_csv_lines():
        return 0
    with fewer_collections():
        return _refresh(project, article_ids, after, last)


def _refresh(
    project: Project, article_ids: Collection[int] | None, after: int, last: int | None
) -> int:
    spec = version_spec(project.codebook_version)
    version_id = project.codebook_version_id
    written = 0
    while True:
        with transaction.atomic():
            epoch = current_epoch()
            # The next CHUNK events by id, each marked whether its line is valid: a walk
            # along the primary key (filtering stale ones in SQL before the LIMIT would make
            # PostgreSQL look at every event again for every chunk).
            events = (
                gold_events(project, ExportFilters(), timezone.now())
                .filter(id__gt=after)
                .annotate(
                    valid=Exists(valid_rows(epoch, project)),
                    agreement=latest_agreement_run(project.pk, OuterRef("article_id")),
                )
            )
            if article_ids is not None:
                events = events.filter(article_id__in=list(article_ids))
            if last is not None:
                events = events.filter(id__lte=last)
            keys = list(
                events.values_list(
                    "id",
                    "version",
                    "adjudication__validated_at",
                    "adjudication__revision",
                    "agreement",
                    "valid",
                )[:CHUNK]
            )
            if not keys:
                return written
            stale = [key for key in keys if not key[5]]
            if stale:
                texts = _render(project, spec, [key[0] for key in stale])
                _upsert(
                    (pk, version_id, epoch, version, validated_at, revision, agreement, *texts[pk])
                    for pk, version, validated_at, revision, agreement, _ in stale
                )
        written += len(stale)
        after = keys[-1][0]


def _render(project: Project, spec: Any, ids: list[int]) -> dict[int, Rendering]:
    """Every format's text of each gold event in ``ids``. A fresh ``EventReader`` per chunk:
    its dictionary entries must not be older than the chunk's epoch."""
    reader = EventReader(project, spec)
    renderer = EventRenderer(spec)
    rows = list(
        CodedEvent.objects.filter(AnyOf(F("id"), ids)).order_by("id").values_list(*EVENT_COLUMNS)
    )
    return {event.event_id: renderer.render(event) for event in reader.events(rows)}


def _upsert(rows: Any) -> None:
    """COPY into a temporary table, then insert or replace in event-id order; lines of events
    deleted meanwhile are dropped. The staging table compresses as the stored table does
    (LZ4 where the server has it): INSERT … SELECT keeps a compressed text as it is, so a
    staging table of the default method stored every text pglz-compressed, which is slower
    to decompress on every export. It keeps the texts inline as the stored table does
    (storage MAIN, migration 0035), so no text is written to and read back from TOAST."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS athar_export_rows_stage (LIKE coding_exportcsvrow "
            "INCLUDING COMPRESSION INCLUDING STORAGE) ON COMMIT DELETE ROWS"
        )
        # Emptied by hand too: inside an outer transaction (a caller's, or a test's) the
        # chunk's block is a savepoint and nothing commits between two chunks.
        cursor.execute("TRUNCATE athar_export_rows_stage")
        with (
            connection.wrap_database_errors,
            cursor.copy(f"COPY athar_export_rows_stage ({_COLUMNS}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        cursor.execute(_UPSERT)


def csv_rows_refresh_all() -> int:
    """``csv_rows_refresh`` for every project with validated articles (the renderings of every
    format, despite the name, which outbox rows and the command already use)."""
    projects = Project.objects.select_related("codebook_version__codebook").filter(
        adjudications__status=Adjudication.Status.VALIDATED
    )
    return sum(csv_rows_refresh(project=project) for project in projects.distinct())


ARTICLES_IN_A_REQUEST = 1000
"""Above this many articles a refresh request names the whole project (payloads stay small;
the refresh only renders what is stale either way)."""


def csv_rows_schedule_after_run(*, run: AgreementRun) -> None:
    """After the project run ``run`` is published: JSONL shows each article's latest
    agreement run, so the stored lines of the articles whose article runs the recompute
    stored (ids above the project run's: written after it was requested) are stale; store
    them again in the background. Call inside the publishing transaction."""
    articles = list(
        AgreementRun.objects.filter(
            project_id=run.project_id, scope="article", status="done", pk__gt=run.pk
        )
        .order_by("article_id")
        .values_list("article_id", flat=True)
        .distinct()[: ARTICLES_IN_A_REQUEST + 1]
    )
    if not articles:
        return
    csv_rows_schedule(
        project_id=run.project_id,
        article_ids=None if len(articles) > ARTICLES_IN_A_REQUEST else articles,
    )


def csv_rows_schedule(
    *, project_id: int | None = None, article_ids: list[int] | None = None
) -> None:
    """Store lines in the background once the current transaction commits: of the articles
    ``article_ids`` of ``project_id``, of the whole project, or of every project (None).
    Recorded as an outbox row in this transaction, so a broker outage loses nothing."""
    if not stores_csv_lines():
        return
    from coding.services.outbox import outbox_record

    outbox_record(
        kind="csv_rows",
        key="all" if project_id is None else f"project:{project_id}",
        payload={"project_id": project_id, "article_ids": article_ids},
    )
