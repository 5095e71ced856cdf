"""Submit, reopen, reassign, the coder queue and imports through the API."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from coding.models import Article, Assignment, AuditEntry, CodedEvent
from coding.services import workflow
from tests.api.conftest import World, complete_event
from tests.imports.helpers import finished_import

pytestmark = pytest.mark.django_db


def _events_url(world: World) -> str:
    return f"/api/v1/assignments/{world.assignment_a.pk}/events/"


def test_submit_lists_what_is_missing_then_succeeds(world: World) -> None:
    coder = world.client(world.coder_a)
    draft = coder.post(_events_url(world), {"event_type": "ATTACK"}, format="json").json()
    response = coder.post(f"/api/v1/assignments/{world.assignment_a.pk}/submit/")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "incomplete"
    assert body["detail"] == "4 problems must be fixed before submitting"
    missing = {(e["event"], e["field"], e["code"]) for e in body["errors"]}
    assert missing == {
        (draft["id"], "event_subtype", "subtype_required"),
        (draft["id"], "actor1", "required"),
        (draft["id"], "location", "required"),
        (draft["id"], "event_date", "required"),
    }
    world.assignment_a.refresh_from_db()
    assert world.assignment_a.status == "in_progress"

    coder.put(
        f"/api/v1/events/{draft['id']}/", {**complete_event(world), "version": 1}, format="json"
    )
    done = coder.post(f"/api/v1/assignments/{world.assignment_a.pk}/submit/")
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "submitted"
    assert AuditEntry.objects.filter(action="assignment.submit").count() == 1


def test_after_submit_the_assignment_is_read_only(world: World) -> None:
    coder = world.client(world.coder_a)
    event = coder.post(_events_url(world), complete_event(world), format="json").json()
    assert coder.post(f"/api/v1/assignments/{world.assignment_a.pk}/submit/").status_code == 200
    count = CodedEvent.objects.count()
    assert coder.post(_events_url(world), complete_event(world), format="json").status_code == 409
    assert (
        coder.put(
            f"/api/v1/events/{event['id']}/", {**complete_event(world), "version": 1}, format="json"
        ).status_code
        == 409
    )
    assert coder.delete(f"/api/v1/events/{event['id']}/?version=1").status_code == 409
    assert coder.post(f"/api/v1/assignments/{world.assignment_a.pk}/submit/").status_code == 409
    assert CodedEvent.objects.count() == count


def test_reopen_needs_a_supervisor_and_a_reason(world: World) -> None:
    url = f"/api/v1/assignments/{world.assignment_a.pk}/reopen/"
    coder = world.client(world.coder_a)
    coder.post(_events_url(world), complete_event(world), format="json")
    coder.post(f"/api/v1/assignments/{world.assignment_a.pk}/submit/")
    assert coder.post(url, {"reason": "I want to"}, format="json").status_code == 403
    assert world.client(world.coder_b).post(url, {"reason": "x"}, format="json").status_code == 404
    sup = world.client(world.supervisor)
    blank = sup.post(url, {"reason": "  "}, format="json")
    assert blank.status_code == 422
    assert blank.json()["errors"] == [
        {"field": "reason", "code": "blank", "message": "This field may not be blank."}
    ]
    world.assignment_a.refresh_from_db()
    assert world.assignment_a.status == "submitted"
    response = sup.post(url, {"reason": "Date is wrong"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert AuditEntry.objects.get(action="assignment.reopen").data == {"reason": "Date is wrong"}
    # Reopening an assignment that is not submitted is an invalid transition.
    assert sup.post(url, {"reason": "again"}, format="json").status_code == 409


def test_reassign_moves_unsubmitted_work_and_refuses_the_rest(
    world: World, django_user_model
) -> None:  # type: ignore[no-untyped-def]
    from coding.services.projects import membership_set

    coder_c = django_user_model.objects.create_user("coder_c", password="pw-for-tests-c")
    membership_set(project=world.project, user=coder_c, role="coder")
    sup = world.client(world.supervisor)
    url = f"/api/v1/assignments/{world.assignment_a.pk}/reassign/"
    world.client(world.coder_a).post(_events_url(world), {"event_type": "TRUCE"}, format="json")
    refused = sup.post(url, {"coder": coder_c.pk}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "has_drafts"
    assert (
        sup.post(url, {"coder": world.coder_b.pk, "discard_drafts": True}, format="json").json()[
            "code"
        ]
        == "already_assigned"
    )
    assert (
        sup.post(
            url, {"coder": world.outsider.pk, "discard_drafts": True}, format="json"
        ).status_code
        == 422
    )
    moved = sup.post(url, {"coder": coder_c.pk, "discard_drafts": True}, format="json")
    assert moved.status_code == 200
    assert moved.json()["coder"]["id"] == coder_c.pk
    assert moved.json()["status"] == "assigned"
    audit = AuditEntry.objects.get(action="assignment.reassign")
    assert audit.data["from"] == world.coder_a.pk
    assert len(audit.data["discarded_events"]) == 1


def test_coder_queue_is_own_work_only(world: World) -> None:
    response = world.client(world.coder_a).get("/api/v1/me/assignments/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == [world.assignment_a.pk]
    assert results[0]["article"]["title"] == "Attack"
    assert world.client(world.coder_a).get("/api/v1/me/assignments/?status=done").status_code == 422
    assert (
        world.client(world.coder_a)
        .get("/api/v1/me/assignments/?status=submitted")
        .json()["results"]
        == []
    )


def test_assignment_detail_has_text_paragraph_directions_and_lengths(world: World) -> None:
    body = world.client(world.coder_a).get(f"/api/v1/assignments/{world.assignment_a.pk}/").json()
    article = body["article"]
    assert article["text"] == world.article.text
    assert article["len_u16"] == len(world.article.text.encode("utf-16-le")) // 2
    # The Arabic line that starts with "JNIM" is still right-to-left; the French one is not.
    assert [p[2] for p in article["paragraphs"]] == ["rtl", "rtl", "ltr"]


def test_last_submission_of_an_article_calls_the_completion_hooks(
    world: World,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    seen: list[int] = []
    workflow.ON_ARTICLE_COMPLETE.append(seen.append)
    try:
        for assignment, coder in [
            (world.assignment_a, world.coder_a),
            (world.assignment_b, world.coder_b),
        ]:
            client = world.client(coder)
            client.post(
                f"/api/v1/assignments/{assignment.pk}/events/", complete_event(world), format="json"
            )
            with django_capture_on_commit_callbacks(execute=True):
                assert (
                    client.post(f"/api/v1/assignments/{assignment.pk}/submit/").status_code == 200
                )
            if coder == world.coder_a:
                assert seen == []
    finally:
        workflow.ON_ARTICLE_COMPLETE.remove(seen.append)
    assert seen == [world.article.pk]


def _upload(world: World, name: str, payload: bytes, query: str = ""):  # type: ignore[no-untyped-def]
    file = io.BytesIO(payload)
    file.name = name
    return finished_import(
        world.client(world.supervisor),
        f"/api/v1/projects/{world.project.pk}/articles/import/{query}",
        {"file": file},
    )


def test_import_jsonl_creates_articles_and_assignments(world: World) -> None:
    rows = [{"title": f"T{i}", "text": f"نص الخبر رقم {i}\r\nسطر ثان"} for i in range(3)]
    payload = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()
    response = _upload(world, "batch.jsonl", payload)
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 3
    assert response.json()["assignments_created"] == 6
    article = Article.objects.get(project=world.project, title="T1")
    assert article.text == "نص الخبر رقم 1\nسطر ثان"
    assert article.language == "ar"
    again = _upload(world, "batch.jsonl", payload)
    assert again.json()["created"] == 0
    assert len(again.json()["duplicates"]) == 3


def test_import_with_a_bad_row_is_refused_whole_unless_skip_invalid(world: World) -> None:
    payload = (
        b'{"title": "ok", "text": "good"}\n{"title": "", "text": "x"}\n'
        b'{"title": "ok2", "text": "fine"}\n'
    )
    before = (Article.objects.count(), Assignment.objects.count(), AuditEntry.objects.count())
    refused = _upload(world, "b.jsonl", payload)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["line"] == 2
    assert (
        Article.objects.count(),
        Assignment.objects.count(),
        AuditEntry.objects.count(),
    ) == before
    partial = _upload(world, "b.jsonl", payload, "?skip_invalid=true")
    assert partial.status_code == 201
    assert partial.json()["created"] == 2
    assert partial.json()["errors"][0]["line"] == 2


def test_import_zip_of_txt_and_csv(world: World) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "Attaque à Gao\nDes hommes armés ont attaqué Gao.")
        archive.writestr("b.csv", "\ufefftitle,text,source\nB,Texte B,Le Courrier\n")
    response = _upload(world, "batch.zip", buffer.getvalue())
    assert response.status_code == 201, response.json()
    assert response.json()["created"] == 2


def test_import_failing_midway_leaves_nothing(world: World, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from coding.services import articles as articles_service

    original = articles_service.article_build
    calls = {"n": 0}

    def explode_on_third(**kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return original(**kwargs)

    monkeypatch.setattr(articles_service, "article_build", explode_on_third)
    monkeypatch.setattr(articles_service, "BATCH_SIZE", 1)
    before = (Article.objects.count(), AuditEntry.objects.count())
    payload = b"\n".join(b'{"title": "t%d", "text": "text %d"}' % (i, i) for i in range(5))
    failed = _upload(world, "b.jsonl", payload)
    assert failed.status_code == 422
    assert failed.json() == {
        "code": "import_error",
        "detail": "the import failed and nothing was imported: RuntimeError: disk on fire",
    }
    assert (Article.objects.count(), AuditEntry.objects.count()) == before


def test_import_is_for_supervisors_only(world: World) -> None:
    file = io.BytesIO(b'{"title": "x", "text": "y"}')
    file.name = "x.jsonl"
    response = world.client(world.coder_a).post(
        f"/api/v1/projects/{world.project.pk}/articles/import/", {"file": file}, format="multipart"
    )
    assert response.status_code == 403
    assert (
        world.client(world.outsider)
        .post(f"/api/v1/projects/{world.project.pk}/articles/import/", {}, format="multipart")
        .status_code
        == 404
    )
