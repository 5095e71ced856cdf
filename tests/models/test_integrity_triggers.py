"""On PostgreSQL, triggers keep evidence true to the text, validated gold layers and ready
releases unchanged, whoever writes: every bad write here is raw SQL (`cursor.execute`), as
Django admin or a psql session would send it, and the row is checked unchanged afterwards."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import IntegrityError
from django.utils import timezone

from coding import models as m
from tests import factories as f

pytestmark = pytest.mark.django_db

# Code points ≠ UTF-16 units ≠ bytes: an emoji (2 UTF-16 units, 4 bytes) comes first, so any
# count other than code points puts every later span off by one or more.
TEXT = "😢 قُتِلَ ثلاثة في مــالي، وقالت\u200cها JNIM."
NEEDLES = ["😢", "قُتِلَ", "مــالي", "وقالت\u200cها", "JNIM"]


def _sql(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _refused(sql: str, params: list[Any] | tuple[Any, ...], match: str) -> None:
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        _sql(sql, params)


def _row(table: str, pk: int) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        row = cursor.fetchone()
    assert row is not None
    return tuple(row)


def _insert_span(event_id: int, start: int, end: int, quote: str) -> None:
    _sql(
        'INSERT INTO coding_evidencespan (event_id, role, start, "end", quote) '
        "VALUES (%s, 'trigger', %s, %s, %s)",
        [event_id, start, end, quote],
    )


def _coder_event() -> m.CodedEvent:
    article = f.ArticleFactory(text=TEXT)
    return f.CodedEventFactory(assignment=f.AssignmentFactory(article=article))


@pytest.mark.parametrize("needle", NEEDLES)
def test_a_span_quote_is_the_text_at_its_code_point_offsets(needle: str) -> None:
    event = _coder_event()
    start = TEXT.index(needle)
    _insert_span(event.pk, start, start + len(needle), needle)
    assert list(event.spans.values_list("start", "end", "quote")) == [
        (start, start + len(needle), needle)
    ]
    # The same length one code point further on, or the right place with other letters.
    _refused(
        'INSERT INTO coding_evidencespan (event_id, role, start, "end", quote) '
        "VALUES (%s, 'trigger', %s, %s, %s)",
        [event.pk, start + 1, start + 1 + len(needle), needle],
        match="differs from the article text",
    )
    _refused(
        "UPDATE coding_evidencespan SET quote = %s WHERE event_id = %s",
        ["x" * len(needle), event.pk],
        match="differs from the article text",
    )
    assert list(event.spans.values_list("start", "end", "quote")) == [
        (start, start + len(needle), needle)
    ]


def test_utf16_offsets_are_refused() -> None:
    """ "JNIM" starts one UTF-16 unit later than its code-point offset (the emoji)."""
    event = _coder_event()
    utf16_start = len(TEXT[: TEXT.index("JNIM")].encode("utf-16-le")) // 2
    assert utf16_start == TEXT.index("JNIM") + 1
    _refused(
        'INSERT INTO coding_evidencespan (event_id, role, start, "end", quote) '
        "VALUES (%s, 'trigger', %s, %s, 'JNIM')",
        [event.pk, utf16_start, utf16_start + 4],
        match="differs from the article text",
    )
    assert not event.spans.exists()


def test_moving_a_span_or_its_event_must_keep_the_quote_true() -> None:
    event = _coder_event()
    start = TEXT.index("JNIM")
    _insert_span(event.pk, start, start + 4, "JNIM")
    span = event.spans.get()
    before = _row("coding_evidencespan", span.pk)
    _refused(
        'UPDATE coding_evidencespan SET start = start - 1, "end" = "end" - 1 WHERE id = %s',
        [span.pk],
        "differs from the article text",
    )
    other = f.CodedEventFactory(
        assignment=f.AssignmentFactory(article=f.ArticleFactory(text="JN" + TEXT))
    )
    _refused(
        "UPDATE coding_evidencespan SET event_id = %s WHERE id = %s",
        [other.pk, span.pk],
        "differs from the article text",
    )
    assert _row("coding_evidencespan", span.pk) == before
    # A change that keeps the quote true is allowed.
    _sql("UPDATE coding_evidencespan SET role = 'actor1' WHERE id = %s", [span.pk])
    assert m.EvidenceSpan.objects.get(pk=span.pk).role == "actor1"


def test_a_bad_range_is_still_refused_by_its_check_constraint() -> None:
    event = _coder_event()
    _refused(
        'INSERT INTO coding_evidencespan (event_id, role, start, "end", quote) '
        "VALUES (%s, 'trigger', 5, 4, 'x')",
        [event.pk],
        match="check constraint",
    )
    assert not event.spans.exists()


# --- the gold layer of a validated article ----------------------------------------------------


def _validated_gold() -> tuple[m.Adjudication, m.CodedEvent, m.EvidenceSpan]:
    """An article whose adjudication was validated with one gold event and one span (written
    while it was open, as the decisions do)."""
    article = f.ArticleFactory(text=TEXT)
    supervisor = f.UserFactory()
    adjudication = f.AdjudicationFactory(article=article)
    gold = f.CodedEventFactory(
        assignment=None,
        adjudication=adjudication,
        article=article,
        codebook_version=article.project.codebook_version,
        layer=m.CodedEvent.Layer.GOLD,
        created_by=supervisor,
    )
    start = TEXT.index("JNIM")
    span = f.EvidenceSpanFactory(event=gold, start=start, end=start + 4)
    m.Adjudication.objects.filter(pk=adjudication.pk).update(
        status="validated", validated_at=timezone.now(), validated_by=supervisor
    )
    adjudication.refresh_from_db()
    return adjudication, gold, span


def _event_columns() -> str:
    return ", ".join(
        f'"{field.column}"' for field in m.CodedEvent._meta.concrete_fields if field.column != "id"
    )


def test_validated_gold_events_and_spans_refuse_every_write() -> None:
    adjudication, gold, span = _validated_gold()
    event_before = _row("coding_codedevent", gold.pk)
    span_before = _row("coding_evidencespan", span.pk)
    start = TEXT.index("JNIM")

    _refused("UPDATE coding_codedevent SET fatalities = 99 WHERE id = %s", [gold.pk], "validated")
    _refused("DELETE FROM coding_codedevent WHERE id = %s", [gold.pk], "validated")
    columns = _event_columns()
    _refused(
        f"INSERT INTO coding_codedevent ({columns}) "  # noqa: S608
        f"SELECT {columns} FROM coding_codedevent WHERE id = %s",
        [gold.pk],
        "validated",
    )
    _refused("UPDATE coding_evidencespan SET role = 'x' WHERE id = %s", [span.pk], "validated")
    _refused("DELETE FROM coding_evidencespan WHERE id = %s", [span.pk], "validated")
    _refused(
        'INSERT INTO coding_evidencespan (event_id, role, start, "end", quote) '
        "VALUES (%s, 'actor1', %s, %s, 'JNIM')",
        [gold.pk, start, start + 4],
        "validated",
    )
    # A coder event cannot be moved into the validated gold layer either.
    coder_event = f.CodedEventFactory(assignment=f.AssignmentFactory(article=gold.article))
    _refused(
        "UPDATE coding_codedevent SET layer = 'gold', assignment_id = NULL, "
        "adjudication_id = %s WHERE id = %s",
        [adjudication.pk, coder_event.pk],
        "validated",
    )

    assert _row("coding_codedevent", gold.pk) == event_before
    assert _row("coding_evidencespan", span.pk) == span_before
    assert m.CodedEvent.objects.filter(adjudication=adjudication).count() == 1
    assert m.EvidenceSpan.objects.filter(event=gold).count() == 1
    assert m.CodedEvent.objects.get(pk=coder_event.pk).layer == "coder"


def test_a_validated_adjudication_changes_only_by_a_reopen() -> None:
    adjudication, gold, span = _validated_gold()
    before = _row("coding_adjudication", adjudication.pk)
    _refused(
        "UPDATE coding_adjudication SET validated_at = now() - interval '1 day' WHERE id = %s",
        [adjudication.pk],
        "changes only by being reopened",
    )
    _refused(  # back to open without a new revision: not a reopen
        "UPDATE coding_adjudication SET status = 'open' WHERE id = %s",
        [adjudication.pk],
        "changes only by being reopened",
    )
    _refused(
        "DELETE FROM coding_adjudication WHERE id = %s",
        [adjudication.pk],
        "changes only by being reopened",
    )
    assert _row("coding_adjudication", adjudication.pk) == before

    # The reopen (open, next revision) goes through; then the gold layer may change again.
    _sql(
        "UPDATE coding_adjudication SET status = 'open', revision = revision + 1, "
        "version = version + 1 WHERE id = %s",
        [adjudication.pk],
    )
    _sql("UPDATE coding_codedevent SET fatalities = 3 WHERE id = %s", [gold.pk])
    _sql("DELETE FROM coding_evidencespan WHERE id = %s", [span.pk])
    gold.refresh_from_db()
    assert gold.fatalities == 3
    assert not gold.spans.exists()


def test_open_gold_events_are_written_freely() -> None:
    adjudication, gold, span = _validated_gold()
    _sql(
        "UPDATE coding_adjudication SET status = 'open', revision = revision + 1 WHERE id = %s",
        [adjudication.pk],
    )
    _sql("UPDATE coding_evidencespan SET role = 'actor1' WHERE id = %s", [span.pk])
    assert m.EvidenceSpan.objects.get(pk=span.pk).role == "actor1"
    _sql("DELETE FROM coding_evidencespan WHERE id = %s", [span.pk])
    _sql("DELETE FROM coding_codedevent WHERE id = %s", [gold.pk])
    assert not m.CodedEvent.objects.filter(adjudication=adjudication).exists()


# --- releases -----------------------------------------------------------------------------------


def _ready_release() -> tuple[m.DatasetRelease, m.ReleaseFile]:
    project = f.ProjectFactory()
    release = m.DatasetRelease.objects.create(
        project=project,
        tag="v1.0.0",
        codebook_version=project.codebook_version,
        created_by=f.UserFactory(),
    )
    file = m.ReleaseFile.objects.create(
        release=release,
        format="csv",
        filename="events.csv",
        file="releases/2026/12/events.csv",
        size=120,
        sha256="a" * 64,
    )
    # Building → ready is the one change the build makes at the end.
    _sql(
        "UPDATE coding_datasetrelease SET status = 'ready', finished_at = now(), row_count = 7 "
        "WHERE id = %s",
        [release.pk],
    )
    return release, file


@pytest.mark.parametrize(
    "change",
    [
        "tag = 'v9.9.9'",
        "status = 'failed'",
        "row_count = 70000",
        "notes = 'rewritten'",
        "agreement_summary = '{}'::jsonb",
        "finished_at = now() - interval '1 year'",
    ],
)
def test_a_ready_release_is_immutable(change: str) -> None:
    release, _ = _ready_release()
    before = _row("coding_datasetrelease", release.pk)
    _refused(
        f"UPDATE coding_datasetrelease SET {change} WHERE id = %s",  # noqa: S608
        [release.pk],
        "is ready and immutable",
    )
    _refused("DELETE FROM coding_datasetrelease WHERE id = %s", [release.pk], "immutable")
    assert _row("coding_datasetrelease", release.pk) == before


@pytest.mark.parametrize(
    "change", ["sha256 = %s", "size = 1", "filename = 'other.csv'", "file = 'elsewhere.csv'"]
)
def test_a_ready_releases_files_are_immutable(change: str) -> None:
    release, file = _ready_release()
    before = _row("coding_releasefile", file.pk)
    params: list[Any] = ["b" * 64] if "%s" in change else []
    _refused(
        f"UPDATE coding_releasefile SET {change} WHERE id = %s",  # noqa: S608
        [*params, file.pk],
        "files are immutable",
    )
    _refused("DELETE FROM coding_releasefile WHERE id = %s", [file.pk], "files are immutable")
    _refused(
        "INSERT INTO coding_releasefile (release_id, format, filename, file, size, sha256) "
        "VALUES (%s, 'jsonl', 'events.jsonl', 'releases/events.jsonl', 5, %s)",
        [release.pk, "c" * 64],
        "files are immutable",
    )
    # Nor can a file be moved from a ready release to another one.
    building = m.DatasetRelease.objects.create(
        project=release.project,
        tag="v2.0.0",
        codebook_version=release.codebook_version,
        created_by=release.created_by,
    )
    _refused(
        "UPDATE coding_releasefile SET release_id = %s WHERE id = %s",
        [building.pk, file.pk],
        "files are immutable",
    )
    assert _row("coding_releasefile", file.pk) == before
    assert list(m.ReleaseFile.objects.filter(release=release).values_list("pk", flat=True)) == [
        file.pk
    ]


def test_a_building_release_and_its_files_may_change() -> None:
    project = f.ProjectFactory()
    release = m.DatasetRelease.objects.create(
        project=project,
        tag="v1",
        codebook_version=project.codebook_version,
        created_by=f.UserFactory(),
    )
    file = m.ReleaseFile.objects.create(
        release=release, format="csv", filename="a.csv", file="a.csv", size=1, sha256="d" * 64
    )
    _sql("UPDATE coding_releasefile SET size = 2 WHERE id = %s", [file.pk])
    _sql("DELETE FROM coding_releasefile WHERE id = %s", [file.pk])
    _sql(
        "UPDATE coding_datasetrelease SET status = 'failed', error = 'x' WHERE id = %s",
        [release.pk],
    )
    release.refresh_from_db()
    assert (release.status, release.error) == ("failed", "x")
    assert not m.ReleaseFile.objects.filter(pk=file.pk).exists()
