"""Codebook versions: create from a parsed spec, publish, branch a new draft.

A published version is immutable: services refuse writes to it, and on PostgreSQL a trigger
refuses them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from coding.codebook_spec import (
    ChoiceSpec,
    CodebookSpec,
    EventTypeSpec,
    parse_codebook,
    spec_to_dict,
)
from coding.errors import Conflict
from coding.models import Codebook, CodebookVersion, EventType, FieldDefinition, User
from coding.services.audit import audit_record


def _plain(value: Any) -> Any:
    """Spec values (read-only mappings, tuples) as plain JSON-ready dicts and lists."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _create_event_types(
    version: CodebookVersion, nodes: tuple[EventTypeSpec, ...] | list[EventTypeSpec]
) -> dict[str, EventType]:
    """Insert the tree level by level (parents before children) with one query per level."""
    by_code: dict[str, EventType] = {}
    position = 0
    level: list[tuple[EventTypeSpec, str | None]] = [(node, None) for node in nodes]
    depth = 0
    while level:
        rows = []
        for node, parent_code in level:
            rows.append(
                EventType(
                    version=version,
                    code=node.code,
                    parent=by_code[parent_code] if parent_code else None,
                    labels=_plain(node.labels),
                    definition=_plain(node.definition),
                    attributes=_plain(node.attributes),
                    depth=depth,
                    position=position,
                )
            )
            position += 1
        for row in EventType.objects.bulk_create(rows):
            by_code[row.code] = row
        level = [(child, node.code) for node, _ in level for child in node.children]
        depth += 1
    return by_code


def _create_fields(
    version: CodebookVersion, spec: CodebookSpec, types: dict[str, EventType]
) -> None:
    rows = [
        FieldDefinition(
            version=version,
            key=field.key,
            kind=field.kind,
            labels=_plain(field.labels),
            definition=_plain(field.definition),
            required=field.required,
            level=field.level,
            evidence_role=field.evidence_role or "",
            export_column=field.export_column or field.key,
            typed_column=field.typed_column or "",
            multiple=field.multiple,
            choices=[_choice_dict(choice) for choice in field.choices],
            min_value=field.min,
            max_value=field.max,
            max_length=field.max_length,
            position=index,
        )
        for index, field in enumerate(spec.fields)
    ]
    created = FieldDefinition.objects.bulk_create(rows)
    through = FieldDefinition.applies_to.through
    links = [
        through(fielddefinition_id=row.pk, eventtype_id=types[code].pk)
        for row, field in zip(created, spec.fields, strict=True)
        for code in field.applies_to
    ]
    through.objects.bulk_create(links)


def _choice_dict(choice: ChoiceSpec) -> dict[str, object]:
    return {
        "code": choice.code,
        "labels": _plain(choice.labels),
        "definition": _plain(choice.definition),
        "attributes": _plain(choice.attributes),
    }


@transaction.atomic
def codebook_version_create(
    *, spec: CodebookSpec, actor: User | None = None, publish: bool = False
) -> CodebookVersion:
    """Create a codebook version (and the codebook if new) from a validated spec.

    The spec's `version` number is used when given; it must not exist yet (Conflict).
    """
    codebook, _ = Codebook.objects.get_or_create(
        slug=spec.slug, defaults={"name": spec.name, "preset": spec.preset or ""}
    )
    codebook = Codebook.objects.select_for_update().get(pk=codebook.pk)
    if spec.version is not None:
        number = spec.version
        if codebook.versions.filter(number=number).exists():
            raise Conflict(
                f"codebook {spec.slug} already has a version {number}",
                code="version_exists",
            )
    else:
        last = codebook.versions.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
    document = spec_to_dict(spec)
    document["version"] = number
    now = timezone.now()
    version = CodebookVersion.objects.create(
        codebook=codebook,
        number=number,
        spec=document,
        status=CodebookVersion.Status.PUBLISHED if publish else CodebookVersion.Status.DRAFT,
        published_at=now if publish else None,
    )
    types = _create_event_types(version, spec.event_types)
    _create_fields(version, spec, types)
    audit_record(
        action="codebook.create_version",
        actor=actor,
        project=None,
        target=version,
        data={"slug": spec.slug, "number": number, "published": publish},
    )
    return version


def codebook_version_spec(version: CodebookVersion) -> CodebookSpec:
    """The parsed spec of a stored version (the stored document was validated on create)."""
    return parse_codebook(version.spec)


@transaction.atomic
def codebook_version_publish(
    *, version: CodebookVersion, actor: User | None = None
) -> CodebookVersion:
    locked = CodebookVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_published:
        raise Conflict(f"{locked} is already published", code="already_published")
    locked.status = CodebookVersion.Status.PUBLISHED
    locked.published_at = timezone.now()
    locked.save(update_fields=["status", "published_at"])
    audit_record(action="codebook.publish", actor=actor, project=None, target=locked)
    return locked


def ensure_draft(version: CodebookVersion) -> None:
    """Refuse any write to a published version. Call before changing a version's content."""
    if version.is_published:
        raise Conflict(
            f"{version} is published and cannot change; create a new draft from it",
            code="published_immutable",
        )


@transaction.atomic
def codebook_version_new_draft(
    *, version: CodebookVersion, actor: User | None = None
) -> CodebookVersion:
    """A new draft (next number) whose content is a copy of `version`."""
    spec = codebook_version_spec(version)
    document = spec_to_dict(spec)
    document["version"] = None
    draft = codebook_version_create(spec=parse_codebook(document), actor=actor)
    draft.created_from = version
    draft.save(update_fields=["created_from"])
    return draft
