"""Article creation: canonical text, hash, direction per paragraph, dedupe by hash.

The text is canonicalized once here (NFC, LF, BOM stripped) and never changed afterwards.
Rows from the import parser (`ArticleInput`) arrive canonical and hashed already; their text
and hash are used as they are rather than computed a second time.

Speed (see bench/bench_import.py): paragraph directions are counted with one vectorized pass
over the text (`text_layout`) instead of a regex scan per paragraph, and on PostgreSQL the rows
are written with COPY, with ids reserved from the table's sequence beforehand.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from typing import Any, Protocol

import numpy as np
import regex
from django.db import connection, transaction
from django.utils import timezone

from coding.importing import ArticleInput
from coding.models import Article, Project, User
from coding.services.audit import audit_record
from coding.text.canonical import canonicalize, text_sha256

# The letter classes of coding.text.direction, so that text_layout agrees with it by
# construction (the fast path is checked against split_paragraphs in bench_import).
from coding.text.direction import _LTR_LETTER, _RTL_LETTER

BATCH_SIZE = 1000


class ArticleLike(Protocol):
    """What an article to create must offer (import rows, demo articles, test items)."""

    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def language(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def published_at(self) -> dt.datetime | None: ...
    @property
    def external_id(self) -> str | None: ...
    @property
    def metadata(self) -> Mapping[str, Any]: ...


@dataclass
class ArticleCreateResult:
    """`created_ids` in creation order; `created` holds the same articles as objects unless
    the caller asked not to keep them (a large import keeps only the ids, so memory stays
    bounded by one batch)."""

    created: list[Article] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    created_ids: list[int] = field(default_factory=list)


# --- Paragraphs and direction ---------------------------------------------------------------

_NONE, _RTL, _LTR = 0, 1, 2
_NEWLINE = ord("\n")


@cache
def _letter_classes() -> np.ndarray:
    """Class of every code point (0 none, 1 RTL letter, 2 LTR letter), computed once per
    process (~30 ms) by running coding.text.direction's own patterns over all code points."""
    points = np.concatenate((np.arange(0xD800), np.arange(0xE000, 0x110000))).astype(np.uint32)
    every = points.tobytes().decode("utf-32-le")  # all code points but the surrogates
    table = np.zeros(0x110000, dtype=np.uint8)
    for letter, value in ((_RTL_LETTER, _RTL), (_LTR_LETTER, _LTR)):
        # Runs of the class rather than one match per letter (~150,000 of them): ~5× faster.
        runs = regex.compile(f"(?:{letter.pattern})+", letter.flags)
        for run in runs.finditer(every):
            table[points[run.start() : run.end()]] = value
    return table


@dataclass(frozen=True, slots=True)
class TextLayout:
    """`paragraphs` as stored: [[start, end, "rtl"|"ltr"], ...] in code points, one per line."""

    direction: str
    paragraphs: list[list[Any]]
    len_u16: int


def _majority(rtl: int, ltr: int, default: str) -> str:
    if rtl == 0 and ltr == 0:
        return default
    return "rtl" if rtl >= ltr else "ltr"


def text_layout(text: str) -> TextLayout:
    """Document direction, paragraphs with their direction, and UTF-16 length of `text`.

    Same result as coding.text.direction (`document_direction`, `split_paragraphs`) and
    coding.text.offsets.utf16_len, from one pass: the text as UTF-32 code points, their
    letter class by table lookup, and running counts read at the line breaks.
    """
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    classes = _letter_classes()[points]
    rtl_before = np.concatenate(([0], np.cumsum(classes == _RTL)))
    ltr_before = np.concatenate(([0], np.cumsum(classes == _LTR)))
    breaks = np.flatnonzero(points == _NEWLINE)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [len(points)]))
    rtl_counts = (rtl_before[ends] - rtl_before[starts]).tolist()
    ltr_counts = (ltr_before[ends] - ltr_before[starts]).tolist()
    direction = _majority(int(rtl_before[-1]), int(ltr_before[-1]), "ltr")
    paragraphs = [
        [start, end, _majority(rtl, ltr, direction)]
        for start, end, rtl, ltr in zip(
            starts.tolist(), ends.tolist(), rtl_counts, ltr_counts, strict=True
        )
    ]
    astral = int(np.count_nonzero(points > 0xFFFF))
    return TextLayout(direction, paragraphs, len(points) + astral)


# --- Building and writing ---------------------------------------------------------------------


def article_build(*, project: Project, item: ArticleLike) -> Article:
    """An unsaved Article with every derived column computed from the canonical text."""
    if type(item) is ArticleInput:
        # The parser's contract: text canonical, text_sha256 its hash (see ArticleInput).
        text, digest = item.text, item.text_sha256
    else:
        text = canonicalize(item.text)
        digest = text_sha256(text)
    layout = text_layout(text)
    return Article(
        project=project,
        title=item.title,
        text=text,
        text_sha256=digest,
        len_cp=len(text),
        len_u16=layout.len_u16,
        language=item.language or "",
        direction=layout.direction,
        paragraphs=layout.paragraphs,
        source=item.source or "",
        url=item.url or "",
        published_at=item.published_at,
        external_id=item.external_id or "",
        metadata=dict(item.metadata or {}),
    )


_COPY_COLUMNS = (
    "id",
    "project_id",
    "title",
    "text",
    "text_sha256",
    "len_cp",
    "len_u16",
    "language",
    "direction",
    "paragraphs",
    "source",
    "url",
    "published_at",
    "external_id",
    "metadata",
    "imported_at",
)


def _copy_articles(articles: list[Article]) -> None:
    """Insert `articles` with COPY (PostgreSQL) and give each its id, as bulk_create would.

    Ids come from the table's own sequence, reserved in one query before the COPY, so they
    ascend in the order of `articles`.
    """
    table = Article._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(articles)],
        )
        ids = sorted(row[0] for row in cursor.fetchall())
        columns = ", ".join(_COPY_COLUMNS)
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for article, pk in zip(articles, ids, strict=True):
                article.pk = pk
                article.imported_at = now
                copy.write_row(
                    (
                        pk,
                        article.project_id,
                        article.title,
                        article.text,
                        article.text_sha256,
                        article.len_cp,
                        article.len_u16,
                        article.language,
                        article.direction,
                        json.dumps(article.paragraphs, separators=(",", ":")),
                        article.source,
                        article.url,
                        article.published_at,
                        article.external_id,
                        json.dumps(article.metadata, ensure_ascii=False),
                        now,
                    )
                )
    for article in articles:
        article._state.adding = False
        article._state.db = connection.alias


def _insert_articles(articles: list[Article]) -> None:
    if not articles:
        return
    if connection.vendor == "postgresql":
        _copy_articles(articles)
    else:  # SQLite (development, demo)
        Article.objects.bulk_create(articles)


def _batches(items: Iterable[ArticleLike], size: int) -> Iterator[list[ArticleLike]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@transaction.atomic
def articles_create(
    *,
    project: Project,
    items: Iterable[ArticleLike],
    actor: User | None,
    origin: str = "",
    keep_articles: bool = True,
) -> ArticleCreateResult:
    """Create articles in bulk; texts already in the project are reported, not re-created.

    All or nothing: runs in one transaction. Writes one audit row for the whole import.
    `items` is consumed one batch at a time. With `keep_articles=False` only the ids of the
    created articles are returned (`created` stays empty).
    """
    result = ArticleCreateResult()
    seen: dict[str, int] = {}
    position = 0
    for batch in _batches(items, BATCH_SIZE):
        built = [article_build(project=project, item=item) for item in batch]
        existing = dict(
            Article.objects.filter(
                project=project, text_sha256__in=[a.text_sha256 for a in built]
            ).values_list("text_sha256", "id")
        )
        fresh = []
        for article in built:
            position += 1
            if article.text_sha256 in existing:
                result.duplicates.append(
                    {
                        "position": position,
                        "title": article.title,
                        "existing_article": existing[article.text_sha256],
                    }
                )
            elif article.text_sha256 in seen:
                result.duplicates.append(
                    {
                        "position": position,
                        "title": article.title,
                        "same_as_position": seen[article.text_sha256],
                    }
                )
            else:
                seen[article.text_sha256] = position
                fresh.append(article)
        _insert_articles(fresh)
        result.created_ids.extend(article.pk for article in fresh)
        if keep_articles:
            result.created.extend(fresh)
    audit_record(
        action="article.import",
        actor=actor,
        project=project,
        data={
            "created": len(result.created_ids),
            "duplicates": len(result.duplicates),
            "origin": origin,
        },
    )
    return result
