"""Checks of field options that depend on the kind: choices, min/max, level, typed column."""

from __future__ import annotations

import re
from collections.abc import Mapping

from ._read import Reader, join, quoted, with_article
from .model import LEVELS, REFERENCE_KINDS, FieldSpec

CHOICE_KINDS = ("choice", "multi_choice")
# Measurement levels that make sense per kind (for agreement statistics); other kinds: nominal.
LEVELS_BY_KIND: Mapping[str, tuple[str, ...]] = {
    "choice": ("nominal", "ordinal"),
    "integer": LEVELS,
    "date": ("nominal", "ordinal", "interval"),
}
DEFAULT_LEVEL_BY_KIND: Mapping[str, str] = {"integer": "ratio", "date": "interval"}
# Agreement distances (coding.agreement.distances) and the kinds whose values they compare.
SET_DISTANCES = ("masi", "jaccard")
DISTANCES = ("date_range", "place_hierarchy", *SET_DISTANCES, "identical")


def fitting_distances(field: FieldSpec) -> tuple[str, ...]:
    """The distances that can compare ``field``'s values (none: the level's own δ²)."""
    if field.kind == "date":
        return ("date_range",)
    if field.kind == "location" and not field.multiple:
        return ("place_hierarchy",)
    if field.kind == "multi_choice" or (field.kind in REFERENCE_KINDS and field.multiple):
        return SET_DISTANCES
    if field.kind == "text":
        return ("identical",)
    return ()


INTEGER_CODE = re.compile(r"-?[0-9]+", flags=re.ASCII)


def check_kind_options(
    reader: Reader, raw: Mapping[str, object], field: FieldSpec, path: str
) -> None:
    """Options that only some kinds take, and typed columns that need a fitting kind."""
    kind = field.kind
    if kind in CHOICE_KINDS:
        if not raw.get("choices"):
            reader.add(
                join(path, "choices"), f"{with_article(kind)} field needs at least one choice"
            )
    elif raw.get("choices"):
        reader.add(join(path, "choices"), "only choice and multi_choice fields have choices")
    if field.multiple and kind not in REFERENCE_KINDS:
        reader.add(join(path, "multiple"), "only actor and location fields can be multiple")
    for option in ("min", "max"):
        if raw.get(option) is not None and kind != "integer":
            reader.add(join(path, option), f"only integer fields have {option}")
    if field.min is not None and field.max is not None and field.min > field.max:
        reader.add(join(path, "max"), f"less than min ({field.max} < {field.min})")
    if raw.get("max_length") is not None and kind != "text":
        reader.add(join(path, "max_length"), "only text fields have max_length")
    fitting = LEVELS_BY_KIND.get(kind, ("nominal",))
    if raw.get("level") is not None and field.level in LEVELS and field.level not in fitting:
        reader.add(
            join(path, "level"),
            f"{quoted(field.level)} does not fit {with_article(kind)} field "
            f"(use {' or '.join(fitting)})",
        )
    if field.distance is not None and field.distance not in fitting_distances(field):
        fitting_distance = fitting_distances(field)
        shape = f"{field.kind} with multiple" if field.multiple else field.kind
        reader.add(
            join(path, "distance"),
            f"{quoted(field.distance)} does not fit {with_article(shape)} field"
            + (f" (use {' or '.join(fitting_distance)})" if fitting_distance else " (use level)"),
        )
    problem = typed_column_misfit(field)
    if problem is not None:
        reader.add(join(path, "typed_column"), problem)


def typed_column_misfit(field: FieldSpec) -> str | None:
    """Why ``field`` cannot feed its typed column, or None when it fits."""
    column = field.typed_column
    if column is None:
        return None
    name = quoted(column)
    if column == "date" and field.kind != "date":
        return f"{name} needs a date field, not {field.kind}"
    if column == "location" and (field.kind != "location" or field.multiple):
        shape = f"{field.kind} with multiple" if field.kind == "location" else field.kind
        return f"{name} needs a location field without multiple, not {shape}"
    if column == "fatalities" and field.kind != "integer":
        return f"{name} needs an integer field, not {field.kind}"
    if column in ("date_precision", "geo_precision"):
        integer_choices = field.kind == "choice" and all(
            INTEGER_CODE.fullmatch(choice.code) for choice in field.choices
        )
        if field.kind != "integer" and not integer_choices:
            return f"{name} needs an integer field or a choice field whose codes are integers"
    return None
