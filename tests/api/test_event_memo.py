"""The event's own remark is `memo`, apart from the codebook's fields: a codebook may key a
field `notes` (ACLED does), and that field is coded, compared, merged and exported like any
other while the memo stays the coder's (or supervisor's) own remark, never exported."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.cache import cache

from coding.codebook_spec import load_codebook_text
from coding.models import Assignment, AuditEntry, CodebookVersion, CodedEvent
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.codebooks import codebook_version_create
from coding.services.projects import membership_set, project_create
from tests.world import (
    ARTICLE_TEXT,
    DATA,
    Item,
    World,
    code_and_submit,
    complete_event,
)

pytestmark = pytest.mark.django_db


def notes_codebook_version() -> CodebookVersion:
    """The mini codebook with its free-text field keyed `notes` and labelled "Notes"."""
    text = (DATA / "mini_codebook.yaml").read_text("utf-8")
    text = text.replace("slug: mini\n", "slug: mini-notes\n")
    text = text.replace(
        "{key: notes_text, kind: text, labels: {en: Remarks}",
        "{key: notes, kind: text, labels: {en: Notes}",
    )
    spec = load_codebook_text(text)
    assert spec.field_by_key("notes") is not None
    return codebook_version_create(spec=spec, publish=True)


@pytest.fixture
def acled_like(world: World) -> World:
    return with_acled_like_project(world)


def with_acled_like_project(world: World) -> World:
    """A project on that codebook, with coder_a and coder_b on one article."""
    cache.clear()
    project = project_create(
        slug="notes", name="Notes", codebook_version=notes_codebook_version(), overlap=2
    )
    for user, role in (
        (world.coder_a, "coder"),
        (world.coder_b, "coder"),
        (world.supervisor, "supervisor"),
        (world.researcher, "researcher"),
    ):
        membership_set(project=project, user=user, role=role)
    article = articles_create(project=project, items=[Item("N", ARTICLE_TEXT)], actor=None)
    assignments_balance(project=project)
    world.notes_project = project  # type: ignore[attr-defined]
    world.notes_article = article.created[0]  # type: ignore[attr-defined]
    return world


def assignment_of(world: World, coder) -> Assignment:  # type: ignore[no-untyped-def]
    return Assignment.objects.get(article=world.notes_article, coder=coder)  # type: ignore[attr-defined]


def event_body(world: World, notes: str, memo: str) -> dict[str, object]:
    body = complete_event(world)
    body["values"] = dict(body["values"]) | {"notes": notes}  # type: ignore[arg-type]
    body["memo"] = memo
    return body


def test_a_codebook_field_keyed_notes_and_the_memo_are_kept_apart(acled_like: World) -> None:
    assignment = assignment_of(acled_like, acled_like.coder_a)
    client = acled_like.client(acled_like.coder_a)
    url = f"/api/v1/assignments/{assignment.pk}/events/"
    created = client.post(
        url, event_body(acled_like, "٦ قتلى حسب المصدر", "check the toll"), format="json"
    )
    assert created.status_code == 201, created.json()
    event = created.json()
    assert event["values"]["notes"] == "٦ قتلى حسب المصدر"
    assert event["memo"] == "check the toll"
    assert "notes" not in event
    stored = CodedEvent.objects.get(pk=event["id"])
    assert (stored.values["notes"], stored.memo) == ("٦ قتلى حسب المصدر", "check the toll")

    body = event_body(acled_like, "٦ قتلى", "toll checked") | {"version": event["version"]}
    updated = client.put(f"/api/v1/events/{event['id']}/", body, format="json")
    assert updated.status_code == 200, updated.json()
    assert (updated.json()["values"]["notes"], updated.json()["memo"]) == ("٦ قتلى", "toll checked")
    listed = client.get(f"/api/v1/assignments/{assignment.pk}/").json()
    [row] = listed["events"]
    assert (row["values"]["notes"], row["memo"]) == ("٦ قتلى", "toll checked")


def test_the_old_notes_key_is_refused_and_changes_nothing(acled_like: World) -> None:
    assignment = assignment_of(acled_like, acled_like.coder_a)
    client = acled_like.client(acled_like.coder_a)
    url = f"/api/v1/assignments/{assignment.pk}/events/"
    body = complete_event(acled_like) | {"notes": "an old client's remark"}
    audit_before = AuditEntry.objects.count()
    refused = client.post(url, body, format="json")
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {
            "field": "notes",
            "code": "renamed",
            "message": "the event's own remark is now `memo`; a codebook field keyed notes "
            "goes in `values`",
        }
    ]
    assert not CodedEvent.objects.exists()
    assert AuditEntry.objects.count() == audit_before

    created = client.post(url, complete_event(acled_like), format="json").json()
    before = CodedEvent.objects.values_list("values", "memo", "version").get(pk=created["id"])
    put = client.put(
        f"/api/v1/events/{created['id']}/",
        complete_event(acled_like) | {"notes": "x", "version": created["version"]},
        format="json",
    )
    assert put.status_code == 422
    assert put.json()["errors"][0]["field"] == "notes"
    after = CodedEvent.objects.values_list("values", "memo", "version").get(pk=created["id"])
    assert after == before


def test_the_codebook_notes_field_can_be_taken_from_coder_b_and_is_exported(
    acled_like: World, django_capture_on_commit_callbacks
) -> None:
    capture = django_capture_on_commit_callbacks
    [a] = code_and_submit(
        acled_like,
        assignment_of(acled_like, acled_like.coder_a),
        acled_like.coder_a,
        [event_body(acled_like, "A's note", "A's memo")],
        capture,
    )
    [b] = code_and_submit(
        acled_like,
        assignment_of(acled_like, acled_like.coder_b),
        acled_like.coder_b,
        [event_body(acled_like, "B's note", "B's memo")],
        capture,
    )
    sup = acled_like.client(acled_like.supervisor)
    base = (
        f"/api/v1/projects/{acled_like.notes_project.pk}/articles/"  # type: ignore[attr-defined]
        f"{acled_like.notes_article.pk}/adjudication/"  # type: ignore[attr-defined]
    )
    view = sup.post(base).json()
    [cluster] = view["clusters"]
    assert cluster["differing_fields"] == ["notes"]
    assert {e["memo"] for e in cluster["events"].values()} == {"A's memo", "B's memo"}
    merged = sup.post(
        base + "decisions/",
        {
            "kind": "merge",
            "cluster": cluster["key"],
            "base_event": a["id"],
            "fields": {"notes": {"from": b["id"]}},
        },
        format="json",
    )
    assert merged.status_code == 201, merged.json()
    assert merged.json()["field_sources"] == {"base": a["id"], "fields": {"notes": b["id"]}}
    gold = sup.get(base).json()["gold_events"]
    assert [(g["values"]["notes"], g["memo"]) for g in gold] == [("B's note", "A's memo")]
    version = sup.get(base).json()["adjudication"]["version"]
    assert sup.post(base + "validate/", {"version": version}, format="json").status_code == 200

    export = acled_like.client(acled_like.researcher).get(
        f"/api/v1/projects/{acled_like.notes_project.pk}/export/"  # type: ignore[attr-defined]
    )
    content = b"".join(export.streaming_content).decode()
    [row] = list(csv.DictReader(io.StringIO(content)))
    assert row["remarks"] == "B's note"
    assert "memo" not in content
    jsonl = acled_like.client(acled_like.researcher).get(
        f"/api/v1/projects/{acled_like.notes_project.pk}/export/",  # type: ignore[attr-defined]
        {"format": "jsonl"},
    )
    record = json.loads(b"".join(jsonl.streaming_content).decode())
    assert record["values"]["notes"] == "B's note"
    assert "memo" not in record
    assert "A's memo" not in json.dumps(record)
    assert "B's memo" not in json.dumps(record)
