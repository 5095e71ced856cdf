"""The complete example in docs/codebook-format.md parses and really uses every key."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from coding.codebook_spec import dump_codebook, load_codebook_text
from coding.codebook_spec._entries import CHOICE_KEYS, EVENT_TYPE_KEYS, FIELD_KEYS, ROLE_KEYS
from coding.codebook_spec._rules import RULE_KEYS_BY_KIND
from coding.codebook_spec.parse import TOP_LEVEL_KEYS

DOC = Path(__file__).resolve().parents[2] / "docs" / "codebook-format.md"


def example_text() -> str:
    section = DOC.read_text(encoding="utf-8").split("## Complete example", 1)[1]
    match = re.search(r"```yaml\n(.*?)```", section, flags=re.S)
    assert match is not None
    return match.group(1)


def test_docs_example_is_a_valid_codebook() -> None:
    spec = load_codebook_text(example_text())
    assert spec.slug == "sahel-demo"
    assert [t.code for t in spec.event_types] == ["CLASH", "PROTEST"]
    assert [f.key for f in spec.fields] == [
        "event_date", "date_precision", "actors", "place", "weapons", "deaths_low",
        "deaths_high", "summary", "claimed", "claimant",
    ]  # fmt: skip
    assert dump_codebook(load_codebook_text(dump_codebook(spec))) == dump_codebook(spec)


def test_docs_example_uses_every_key_of_the_format() -> None:
    data: dict[str, Any] = yaml.safe_load(example_text())
    assert list(data) == list(TOP_LEVEL_KEYS)
    assert {k for role in data["evidence_roles"] for k in role} == set(ROLE_KEYS)
    assert set(data["event_types"][0]) == set(EVENT_TYPE_KEYS)
    assert {k for field in data["fields"] for k in field} == set(FIELD_KEYS)
    choices = [c for field in data["fields"] for c in field.get("choices", [])]
    assert {k for c in choices for k in c} == set(CHOICE_KEYS)
    assert [rule["kind"] for rule in data["rules"]] == list(RULE_KEYS_BY_KIND)
    columns = data["export"]["columns"]
    assert {k for column in columns for k in column} == {"name", "field", "derived"}
