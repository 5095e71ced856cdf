"""The supervisors' import page in Chromium: a file chosen and sent with the keyboard is
imported by a real Celery worker while the page shows its progress, then its report; a small
file is imported in the request (201) and its report shown at once; a bad file ends failed,
with the problem at its line, and nothing imported."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from coding.models import Article, ImportJob
from tests.browser.conftest import screenshot, sign_in
from tests.worker.conftest import WorkerProcess
from tests.world import World

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _file(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _choose_and_send(page: Page, path: Path) -> None:
    """Choose the file (the operating system's dialog is not the page's: Playwright fills
    the field as it would), then reach the button with Tab and press Enter."""
    page.focus("#import-file")
    page.set_input_files("#import-file", str(path))
    expect(page.locator("#import-file")).to_be_focused()
    page.keyboard.press("Tab")  # the format
    page.keyboard.press("Tab")  # skip bad rows
    page.keyboard.press("Tab")  # the button
    expect(page.locator("#import-submit")).to_be_focused()
    page.keyboard.press("Enter")


@pytest.mark.worker
def test_a_file_is_imported_by_a_worker_with_progress_then_the_report(
    page: Page, live_server: Any, world: World, tmp_path: Path, settings: Any
) -> None:
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.ATHAR = {**settings.ATHAR, "IMPORT_IN_REQUEST_MAX_BYTES": 0}  # to the worker
    app.conf.task_always_eager = False
    app.control.purge()
    # The worker pauses after reading the file, before its commit: the page shows it running.
    worker = WorkerProcess(tmp_path / "worker.log", ATHAR_IMPORT_TEST_PAUSE="3")
    rows = [
        json.dumps({"title": f"خبر {i}", "text": f"هاجم مسلحون قرية رقم {i} في منطقة موبتي."})
        for i in range(30)
    ]
    path = _file(tmp_path, "أخبار.jsonl", rows)
    try:
        worker.start()
        sign_in(page, live_server.url, world.supervisor.username)
        page.goto(f"{live_server.url}/projects/{world.project.pk}/agreement/")
        page.click("nav.project-tabs a:has-text('Import articles')")
        page.wait_for_selector("body[data-ready=true]")
        _choose_and_send(page, path)
        expect(page.locator("#job-status")).to_have_text("Importing… Rows read: 30", timeout=60_000)
        assert not Article.objects.filter(title__startswith="خبر").exists()  # not committed
        expect(page.locator("#job-status")).to_have_text("Done. New articles: 30", timeout=60_000)
        expect(page.locator("#job-title")).to_be_focused()
        expect(page.locator("#job-summary li")).to_have_text(
            [
                "New articles: 30",
                "Already in the project or twice in the file: 0",
                "Assignments created: 60",
            ]
        )
        expect(page.locator("#job-progress")).to_have_attribute("value", "100")
        expect(page.locator("#recent-table tbody tr").first).to_contain_text("أخبار.jsonl")
        screenshot(page, "import-done.png")
        assert Article.objects.filter(title__startswith="خبر").count() == 30
        assert ImportJob.objects.get().status == "done"
    finally:
        worker.stop()
        app.conf.task_always_eager = True


def test_a_small_file_is_imported_in_the_request_and_the_report_shown(
    page: Page, live_server: Any, world: World, tmp_path: Path
) -> None:
    rows = [
        json.dumps({"title": f"Dépêche {i}", "text": f"Des hommes armés ont attaqué Boni ({i})."})
        for i in range(5)
    ]
    path = _file(tmp_path, "petit.jsonl", rows)
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/import/")
    page.wait_for_selector("body[data-ready=true]")
    with page.expect_response(lambda r: r.url.endswith("/articles/import/")) as answer:
        _choose_and_send(page, path)
    assert answer.value.status == 201  # imported in the request: no job to follow
    expect(page.locator("#job-status")).to_have_text("Done. New articles: 5")
    expect(page.locator("#job-title")).to_be_focused()
    expect(page.locator("#job-summary li")).to_have_text(
        [
            "New articles: 5",
            "Already in the project or twice in the file: 0",
            "Assignments created: 10",
        ]
    )
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")
    expect(page.locator("#recent-table tbody tr").first).to_contain_text("petit.jsonl")
    expect(page.locator("#import-submit")).to_be_enabled()
    assert Article.objects.filter(title__startswith="Dépêche").count() == 5
    assert ImportJob.objects.get().status == "done"


def test_a_bad_file_shows_the_error_and_imports_nothing(
    page: Page, live_server: Any, world: World, tmp_path: Path
) -> None:
    before = Article.objects.count()
    path = _file(
        tmp_path,
        "bad.jsonl",
        [json.dumps({"title": "Bon", "text": "Des hommes armés ont attaqué Boni."}), "{oops"],
    )
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/import/")
    page.wait_for_selector("body[data-ready=true]")
    _choose_and_send(page, path)
    expect(page.locator("#job-status")).to_have_text("Failed: nothing was imported.")
    error = page.locator("#job-error")
    expect(error).to_have_attribute("role", "alert")
    expect(error).to_contain_text("1 problem in bad.jsonl; nothing was imported")
    expect(page.locator("#job-errors tbody tr")).to_have_count(1)
    expect(page.locator("#job-errors tbody tr td").first).to_have_text("line 2")
    assert Article.objects.count() == before
    assert ImportJob.objects.get().status == "failed"


def test_the_page_is_in_arabic_for_an_arabic_reader(
    page: Page, live_server: Any, world: World
) -> None:
    sign_in(page, live_server.url, world.supervisor.username)
    page.goto(f"{live_server.url}/projects/{world.project.pk}/import/")
    page.wait_for_selector("body[data-ready=true]")
    with page.expect_navigation():  # the language menu, as a reader switches it
        page.select_option("#lang-select", "ar")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("h1")).to_have_text("استيراد المقالات")
    expect(page.locator("#recent-table caption")).to_have_text("لا استيراد بعد.")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
