"""How deep a YAML document nests, found without building it (pure: no Django).

Composing a document recurses once per level; with libyaml a deep enough "[[[…" crashes the
process instead of raising. The parser's event stream is flat, so counting its start and end
events costs no recursion: callers refuse a document this finds too deep before loading it."""

from __future__ import annotations

import yaml

#: Deeper nesting than any codebook or dictionary file needs.
MAX_NESTING = 64


def too_deep(text: str, *, loader: type[yaml.SafeLoader], limit: int = MAX_NESTING) -> str | None:
    """None, or where the document first nests deeper than `limit` ("line L, column C").

    `loader` is the caller's own loader class, so a syntax error is raised (yaml.YAMLError)
    with the same message the caller's load would give."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > limit:
                mark = event.start_mark
                return f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None
