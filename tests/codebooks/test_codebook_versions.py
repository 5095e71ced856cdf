"""Codebook versions in the database: presets, immutability, drafts, load/export round trip."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from coding.codebook_spec import load_preset
from coding.errors import Conflict
from coding.models import CodebookVersion, EventType, FieldDefinition
from coding.services.codebooks import (
    codebook_version_create,
    codebook_version_new_draft,
    codebook_version_publish,
    ensure_draft,
)

pytestmark = pytest.mark.django_db


def _export(ref: str) -> str:
    out = io.StringIO()
    call_command("export_codebook", ref, stdout=out)
    return out.getvalue()


def test_acled_preset_loads_with_its_tree_and_fields() -> None:
    version = codebook_version_create(spec=load_preset("acled"), publish=True)
    roots = EventType.objects.filter(version=version, depth=0)
    assert roots.count() == 6
    assert EventType.objects.filter(version=version, depth=1).count() == 25
    battles = roots.get(labels__en="Battles")
    assert sorted(battles.children.values_list("labels__en", flat=True)) == [
        "Armed clash",
        "Government regains territory",
        "Non-state actor overtakes territory",
    ]
    fatalities = FieldDefinition.objects.get(version=version, typed_column="fatalities")
    assert fatalities.kind == "integer"
    assert version.spec["slug"] == "acled"


@pytest.mark.parametrize(("preset", "roots"), [("cameo", 20), ("plover", 16), ("ucdp", 3)])
def test_other_presets_load(preset: str, roots: int) -> None:
    version = codebook_version_create(spec=load_preset(preset), publish=True)
    assert EventType.objects.filter(version=version, depth=0).count() == roots


def test_export_load_export_is_byte_identical() -> None:
    version = codebook_version_create(spec=load_preset("ucdp"), publish=True)
    first = _export(f"ucdp@{version.number}")
    EventType.objects.filter(version=version).delete()
    FieldDefinition.objects.filter(version=version).delete()
    CodebookVersion.objects.filter(pk=version.pk).delete()
    path = io.StringIO(first)
    import tempfile
    from pathlib import Path

    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False, encoding="utf-8") as f:
        f.write(path.getvalue())
    call_command("load_codebook", f.name, "--publish", stdout=io.StringIO())
    Path(f.name).unlink()
    assert _export(f"ucdp@{version.number}") == first


def test_published_version_refuses_writes_in_the_service() -> None:
    version = codebook_version_create(spec=load_preset("ucdp"), publish=True)
    with pytest.raises(Conflict, match="published"):
        ensure_draft(version)
    with pytest.raises(Conflict, match="already published"):
        codebook_version_publish(version=version)


def test_new_draft_from_a_published_version_then_publish_it() -> None:
    version = codebook_version_create(spec=load_preset("ucdp"), publish=True)
    draft = codebook_version_new_draft(version=version)
    assert (draft.number, draft.status, draft.created_from_id) == (
        version.number + 1,
        "draft",
        version.pk,
    )
    assert draft.spec["event_types"] == version.spec["event_types"]
    ensure_draft(draft)  # a draft may change
    published = codebook_version_publish(version=draft)
    assert published.status == "published"
    assert published.published_at is not None


def test_loading_an_existing_version_number_is_refused() -> None:
    codebook_version_create(spec=load_preset("ucdp"), publish=True)
    before = CodebookVersion.objects.count()
    with pytest.raises(Conflict):
        codebook_version_create(spec=load_preset("ucdp"))
    assert CodebookVersion.objects.count() == before


def test_load_command_refuses_a_bad_file_whole(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: athar-codebook/1\nslug: bad\nname: Bad\nlanguages: [en]\n"
        "event_types:\n  - {code: A, labels: {en: A}}\n  - {code: A, labels: {en: A again}}\n"
        "fields:\n  - {key: x, kind: colour, labels: {en: X}}\n",
        encoding="utf-8",
    )
    before = (CodebookVersion.objects.count(), EventType.objects.count())
    with pytest.raises(CommandError) as info:
        call_command("load_codebook", str(bad))
    message = str(info.value)
    assert "nothing was loaded" in message
    assert 'event_types[1].code: duplicate "A"' in message
    assert "fields[0].kind" in message
    assert (CodebookVersion.objects.count(), EventType.objects.count()) == before


def test_export_command_needs_slug_at_version() -> None:
    with pytest.raises(CommandError, match="SLUG@VERSION"):
        _export("acled")
    with pytest.raises(CommandError, match="no codebook version"):
        _export("acled@9")
