"""Per-process caches of published codebook versions (they are immutable, so caching is safe).

Draft versions are never cached: they can still change.
"""

from __future__ import annotations

from functools import lru_cache

from coding.codebook_spec import CodebookSpec, parse_codebook
from coding.models import CodebookVersion, EventType


@lru_cache(maxsize=64)
def _published_spec(version_id: int) -> CodebookSpec:
    version = CodebookVersion.objects.get(pk=version_id)
    return parse_codebook(version.spec)


@lru_cache(maxsize=64)
def _published_type_ids(version_id: int) -> dict[str, int]:
    return dict(EventType.objects.filter(version_id=version_id).values_list("code", "id"))


def version_spec(version: CodebookVersion) -> CodebookSpec:
    if version.is_published:
        return _published_spec(version.pk)
    return parse_codebook(version.spec)


def event_type_ids(version: CodebookVersion) -> dict[str, int]:
    """code → EventType id for every node of the version's type tree."""
    if version.is_published:
        return _published_type_ids(version.pk)
    return dict(EventType.objects.filter(version=version).values_list("code", "id"))


@lru_cache(maxsize=64)
def event_type_codes(version_id: int) -> dict[int, str]:
    """EventType id → code (ids of a version never change once created)."""
    return dict(EventType.objects.filter(version_id=version_id).values_list("id", "code"))
