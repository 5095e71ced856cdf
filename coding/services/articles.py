"""Article creation: canonical text, hash, direction per paragraph, dedupe by hash.

The text is canonicalized once here (NFC, LF, BOM stripped) and never changed afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Protocol

from django.db import transaction

from coding.models import Article, Project, User
from coding.services.audit import audit_record
from coding.text.canonical import canonicalize, text_sha256
from coding.text.direction import document_direction, split_paragraphs
from coding.text.offsets import utf16_len

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
    created: list[Article] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)


def article_build(*, project: Project, item: ArticleLike) -> Article:
    """An unsaved Article with every derived column computed from the canonical text."""
    text = canonicalize(item.text)
    paragraphs = split_paragraphs(text)
    return Article(
        project=project,
        title=item.title,
        text=text,
        text_sha256=text_sha256(text),
        len_cp=len(text),
        len_u16=utf16_len(text),
        language=item.language or "",
        direction=document_direction(text),
        paragraphs=[[p.start, p.end, p.direction] for p in paragraphs],
        source=item.source or "",
        url=item.url or "",
        published_at=item.published_at,
        external_id=item.external_id or "",
        metadata=dict(item.metadata or {}),
    )


def _batches(items: Iterable[ArticleLike], size: int) -> Iterator[list[ArticleLike]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@transaction.atomic
def articles_create(
    *, project: Project, items: Iterable[ArticleLike], actor: User | None, origin: str = ""
) -> ArticleCreateResult:
    """Create articles in bulk; texts already in the project are reported, not re-created.

    All or nothing: runs in one transaction. Writes one audit row for the whole import.
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
        result.created.extend(Article.objects.bulk_create(fresh))
    audit_record(
        action="article.import",
        actor=actor,
        project=project,
        data={
            "created": len(result.created),
            "duplicates": len(result.duplicates),
            "origin": origin,
        },
    )
    return result
