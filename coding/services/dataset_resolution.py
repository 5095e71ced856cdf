"""Checking a supervisor's resolution choices for a dataset event and turning them into the
entries stored in `DatasetEvent.resolution` (with who, when and why). Called by the services
in coding.services.dataset_events inside their transaction; writes nothing itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from coding.codebook_runtime import version_spec
from coding.codebook_spec import CodebookSpec, FieldSpec
from coding.dataset_event_records import codebook_fields, report_records
from coding.dedup.resolution import DATE, EVENT_TYPE, FATALITIES, ChoiceRefused, choice_entry
from coding.errors import ValidationFailed
from coding.models import Project, User
from coding.services.events import EventInput, check_event


def _refused_choice(key: str, exc: ChoiceRefused) -> ValidationFailed:
    return ValidationFailed(
        f"the choice for {key!r} cannot be applied: {exc}",
        code="invalid_choice",
        errors=[{"field": f"resolution.{key}", "code": exc.code, "message": str(exc)}],
    )


def _typed_field(spec: CodebookSpec, key: str, value: Any) -> tuple[FieldSpec, Any] | None:
    """The codebook field a typed value of resolution key `key` must fit, and the value as
    that field stores it (for `date`: its precision code); None when the pure rules already
    checked all there is (event type, fatalities, a date without precision)."""
    if key in (EVENT_TYPE, FATALITIES):
        return None
    if key == DATE:
        precision_field = next((f for f in spec.fields if f.typed_column == "date_precision"), None)
        code = value.get("precision") if isinstance(value, Mapping) else None
        if precision_field is None or code is None:
            return None
        return precision_field, str(code) if precision_field.kind == "choice" else code
    fdef = spec.field_by_key(key)
    return None if fdef is None else (fdef, value)


def _check_typed_against_codebook(spec: CodebookSpec, key: str, value: Any) -> None:
    """A typed value must fit its codebook field (choices, dictionary ids, bounds, length)."""
    found = _typed_field(spec, key, value)
    if found is None:
        return
    fdef, stored = found
    # Probe with a type the field applies to: applicability is not the question here.
    event_type = fdef.applies_to[0] if fdef.applies_to else spec.event_types[0].code
    probe = EventInput(event_type=event_type, values={fdef.key: stored})
    errors = [
        e.as_dict() for e in check_event(spec, probe, [], complete=False) if e.field == fdef.key
    ]
    if errors:
        raise ValidationFailed(
            f"the typed value does not fit the codebook's {fdef.key!r}",
            code="invalid_choice",
            errors=[{**e, "field": f"resolution.{key}"} for e in errors],
        )


def stamped_entry(
    entry: Mapping[str, Any], *, actor: User, now: dt.datetime, reason: str
) -> dict[str, Any]:
    return {**entry, "by": actor.pk, "at": now.isoformat(), "reason": reason}


def resolution_entries(
    *,
    project: Project,
    dataset_event_ids: Collection[int],
    choices: Mapping[str, Any],
    actor: User,
    now: dt.datetime,
    reason: str,
) -> dict[str, Any]:
    """The entries to store for `choices` ({key: choice}) over the reports these dataset
    events will have together. Raises ValidationFailed for the first choice that cannot
    apply (nothing is stored by this function)."""
    if not choices:
        return {}
    records = report_records(dataset_event_ids)
    reports = [r for pk in sorted(records) for r in records[pk]]
    spec = version_spec(project.codebook_version)
    fields = codebook_fields(spec)
    entries: dict[str, Any] = {}
    for key, choice in choices.items():
        if not isinstance(choice, Mapping):
            raise _refused_choice(key, ChoiceRefused("a choice is an object", code="invalid"))
        try:
            entry = choice_entry(reports, fields, key, choice)
        except ChoiceRefused as exc:
            raise _refused_choice(key, exc) from exc
        if entry.get("rule") == "typed":
            _check_typed_against_codebook(spec, key, entry["value"])
        entries[key] = stamped_entry(entry, actor=actor, now=now, reason=reason)
    return entries
