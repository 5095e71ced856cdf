"""Writers are generators that read their input lazily: bounded memory for any export size."""

from __future__ import annotations

import types
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import pytest

from coding.codebook_spec import CodebookSpec
from coding.exporting import (
    ExportCodebook,
    ExportEvent,
    csv_chunks,
    geojson_chunks,
    jsonl_chunks,
    plover_jsonl_chunks,
)
from coding.exporting.chunks import CHUNK_CHARS, batched_text
from tests.exporting.factories import acled_event, acled_spec, event_types, plover_spec

TOTAL = 100_000


class CountingEvents:
    """100,000 events made on demand, remembering how many have been taken."""

    def __init__(self, template: ExportEvent) -> None:
        self.template = template
        self.taken = 0

    def __iter__(self) -> Iterator[ExportEvent]:
        for event_id in range(1, TOTAL + 1):
            self.taken += 1
            yield replace(self.template, event_id=event_id)


def plover_template() -> ExportEvent:
    return acled_event(
        codebook=ExportCodebook("plover", 1, "plover"),
        **event_types(plover_spec(), "ASSAULT", "ASSAULT.drone"),
        values={"actor": [{"id": 11}], "event_date": {"start": "2024-02-10"}},
        actors={"actor": acled_event().actors["actor1"]},
    )


Writer = Callable[[Any, CodebookSpec], Iterator[str]]
CASES: list[tuple[str, Writer, Callable[[], CodebookSpec], Callable[[], ExportEvent], bool]] = [
    # (name, writer, spec, template event, whether the first chunk is a header alone)
    ("csv", csv_chunks, acled_spec, acled_event, True),
    ("csv-bom", lambda e, s: csv_chunks(e, s, bom=True), acled_spec, acled_event, True),
    ("geojson", geojson_chunks, acled_spec, acled_event, True),
    ("jsonl", jsonl_chunks, acled_spec, acled_event, False),
    ("plover", plover_jsonl_chunks, plover_spec, plover_template, False),
]


@pytest.mark.parametrize(
    ("writer", "spec", "template", "header_first"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_writers_are_generators_that_consume_lazily(
    writer: Writer,
    spec: Callable[[], CodebookSpec],
    template: Callable[[], ExportEvent],
    header_first: bool,
) -> None:
    events = CountingEvents(template())
    chunks = writer(events, spec())
    assert isinstance(chunks, types.GeneratorType)
    assert events.taken == 0  # calling the writer reads nothing

    first = next(chunks)
    if header_first:
        assert events.taken == 0
        first = next(chunks)
    # One chunk holds about CHUNK_CHARS characters: a few hundred events at most.
    assert len(first) >= CHUNK_CHARS
    assert 0 < events.taken < 400
    taken_after_one = events.taken

    next(chunks)
    assert taken_after_one < events.taken < 2 * taken_after_one + 1
    assert events.taken < TOTAL // 100
    chunks.close()


def test_batched_text_flushes_at_the_limit_and_keeps_the_rest() -> None:
    assert list(batched_text(["ab", "cd", "e", "fgh", "i"], limit=4)) == ["abcd", "efgh", "i"]
    assert list(batched_text([], limit=4)) == []
    assert list(batched_text(["abcdef"], limit=4)) == ["abcdef"]
