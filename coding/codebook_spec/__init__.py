"""Athar codebook files (format ``athar-codebook/1``): model, parser, canonical dump, presets
and the validator of coded event values. Pure Python (PyYAML only); no Django imports.

See docs/codebook-format.md for the file format and the value shapes of events.
"""

from ._values import MAX_REF_ID
from .dump import dump_codebook, spec_to_dict
from .errors import CodebookFileError, Problem, UnknownPresetError
from .events import (
    FieldError,
    KnownRefs,
    SpanLike,
    applicable_fields,
    missing_for_submit,
    validate_event,
)
from .load import load_codebook_text
from .model import (
    FIELD_KINDS,
    FORMAT_ID,
    LEVELS,
    RULE_KINDS,
    TYPED_COLUMNS,
    ChoiceSpec,
    CodebookSpec,
    EventTypeSpec,
    ExportColumnSpec,
    ExportSpec,
    FieldSpec,
    RoleSpec,
    RuleSpec,
    iter_event_types,
)
from .parse import parse_codebook
from .pickling import spec_from_dict  # registers the reducer: specs pickle and deep-copy
from .presets import PRESETS_DIR, list_presets, load_preset

__all__ = [
    "FIELD_KINDS",
    "FORMAT_ID",
    "LEVELS",
    "MAX_REF_ID",
    "PRESETS_DIR",
    "RULE_KINDS",
    "TYPED_COLUMNS",
    "ChoiceSpec",
    "CodebookFileError",
    "CodebookSpec",
    "EventTypeSpec",
    "ExportColumnSpec",
    "ExportSpec",
    "FieldError",
    "FieldSpec",
    "KnownRefs",
    "Problem",
    "RoleSpec",
    "RuleSpec",
    "SpanLike",
    "UnknownPresetError",
    "applicable_fields",
    "dump_codebook",
    "iter_event_types",
    "list_presets",
    "load_codebook_text",
    "load_preset",
    "missing_for_submit",
    "parse_codebook",
    "spec_from_dict",
    "spec_to_dict",
    "validate_event",
]
