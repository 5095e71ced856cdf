"""``load_codebook_text``: parse codebook text (YAML, or JSON) into a validated spec."""

from __future__ import annotations

import json
from collections.abc import Hashable
from typing import Any

import yaml

from coding.yaml_nesting import MAX_NESTING, too_deep

from .errors import CodebookFileError, Problem
from .model import CodebookSpec
from .parse import parse_codebook


def load_codebook_text(text: str) -> CodebookSpec:
    """Parse YAML or JSON codebook text and validate it.

    Text whose first non-blank character is ``{`` is JSON (so a broken JSON file gets JSON error
    messages rather than YAML ones); anything else is YAML. Duplicate mapping keys are rejected
    in both. Raises ``CodebookFileError``; syntax problems have an empty path and name the line
    and column.
    """
    text = text.removeprefix("\ufeff")
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text, object_pairs_hook=_unique_pairs)
        except json.JSONDecodeError as error:
            where = f"line {error.lineno}, column {error.colno}"
            raise CodebookFileError([Problem("", f"{where}: invalid JSON: {error.msg}")]) from error
        except RecursionError:
            raise CodebookFileError([Problem("", "invalid JSON: nested too deeply")]) from None
    else:
        data = _load_yaml(text)
    if data is None:
        raise CodebookFileError([Problem("", "the text is empty")])
    return parse_codebook(data)


def _check_nesting(text: str) -> None:
    """Refuse a document nested deeper than MAX_NESTING before it is composed."""
    where = too_deep(text, loader=_SafeBase)
    if where is not None:
        raise CodebookFileError([Problem("", f"{where}: nested deeper than {MAX_NESTING} levels")])


def _load_yaml(text: str) -> Any:
    try:
        _check_nesting(text)
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - _StrictLoader is a SafeLoader
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        reason = error.problem or error.context or "syntax error"
        raise CodebookFileError([Problem("", f"{where}invalid YAML: {reason}")]) from error
    except yaml.YAMLError as error:
        raise CodebookFileError([Problem("", f"invalid YAML: {error}")]) from error


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise CodebookFileError([Problem("", f'duplicate key "{key}" in a JSON object')])
        result[key] = value
    return result


class _DuplicateKeyError(yaml.MarkedYAMLError):
    pass


# The libyaml parser is several times faster on large codebooks (CAMEO); the constructor
# (where duplicate keys are caught) is the same Python SafeConstructor either way.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """Safe loader that rejects duplicate keys instead of keeping the last value silently."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[object] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable) and key in seen:
                shown = f'"{key}"' if isinstance(key, str) else repr(key)
                raise _DuplicateKeyError(
                    problem=f"duplicate key {shown}", problem_mark=key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
