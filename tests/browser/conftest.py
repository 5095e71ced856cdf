"""Real-browser tests: Playwright (Python, sync API) driving Debian's Chromium against
pytest-django's live server on PostgreSQL. Never downloads a browser."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

from coding.models import Actor, Article, Assignment, Location, Project, User
from coding.services.articles import articles_create
from coding.services.projects import membership_set
from coding.text.matching import alias_key
from tests.factories import (
    ActorAliasFactory,
    ActorFactory,
    AssignmentFactory,
    LocationAliasFactory,
    LocationFactory,
    UserFactory,
)
from tests.world import Item, mini_version

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PASSWORD = "pw-for-tests"

ARABIC_TEXT = (
    '🇲🇱 هاجم مسلحو JNIM قرية بولكيسي بـ"الطائرات" يوم ١٢ يونيو/ حزيران 2022.\n'
    "JNIM أعلنت مسؤوليتها عن الهجوم 😢 في منطقة موبتي.\n"
    "Le « FAMa » a riposté à Gao le 13 juin."
)
FRENCH_TEXT = (
    "Ménaka : l’EIGS attaque le village de Tidermène\n"
    "Des hommes armés ont attaqué mardi le village de Tidermène, dans la région de Ménaka, "
    "selon des sources locales. « Ils sont venus à moto », a raconté un habitant.\n"
    "Le bilan provisoire fait état de 7 morts."
)


@dataclass
class BrowserWorld:
    project: Project
    coder: User
    coder_b: User
    supervisor: User
    arabic: Article
    french: Article
    assignment: Assignment
    french_assignment: Assignment
    actor: Actor
    location: Location


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for the browser tests, closed (with Playwright's event loop) after them.

    Playwright's sync API runs an event loop in this thread, and Django refuses ORM calls
    when it sees one; the tests' own ORM calls (setting up data, checking what was stored)
    are synchronous, so the guard is lifted for these tests only, and put back after.
    """
    assert Path(CHROMIUM).exists(), "Debian's chromium package is needed: apt-get install chromium"
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


# Every page reports its Content-Security-Policy violations to the test: the event the
# browser fires for each (with the directive and what was blocked), from any frame.
_REPORT_VIOLATIONS = """document.addEventListener('securitypolicyviolation', (e) => {
  window.atharCspViolation(`${e.disposition} ${e.effectiveDirective} blocked ${e.blockedURI}`
                           + ` at ${e.sourceFile}:${e.lineNumber} on ${document.location.href}`);
}, true);"""


def watch_csp(context: BrowserContext) -> list[str]:
    """The CSP violations of every page of ``context`` (securitypolicyviolation events, and
    the console messages Chromium writes for them), as they happen."""
    violations: list[str] = []
    context.expose_binding("atharCspViolation", lambda _source, text: violations.append(text))
    context.add_init_script(_REPORT_VIOLATIONS)

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")

    context.on("console", on_console)
    return violations


def _wait_for_server_transactions(timeout: float = 5.0) -> None:
    """Wait until no other connection is working in the test database: a request the closed
    page had sent (an autosave) may still run in the live server's thread, and emptying the
    database under it deadlocks."""
    from django.db import connection

    deadline = time.monotonic() + timeout
    # The live server answers each request in its own thread (named after
    # socketserver's process_request_thread): a request sent just before the page closed may
    # not have reached the database yet, so wait for those threads first.
    while time.monotonic() < deadline and any(
        "process_request_thread" in thread.name for thread in threading.enumerate()
    ):
        time.sleep(0.02)
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
                " AND state IN ('active', 'idle in transaction')"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)


@pytest.fixture
def page(browser: Browser, transactional_db: None) -> Iterator[Page]:
    """A page in a fresh context; after the test, no JavaScript error and no CSP violation
    may have happened in it (the site's Content-Security-Policy is on in these tests).

    It depends on the database so that it is closed before the database is emptied (the
    page's timers, such as the autosave, would otherwise write into a database being
    flushed), and it waits for the requests the page had sent to finish.

    Give ``page.wait_for_function`` a function (``"() => ..."``), not a bare expression:
    Playwright evaluates an expression from a string, which the policy refuses (no
    'unsafe-eval')."""
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="en-US")
    context.set_default_timeout(10_000)
    violations = watch_csp(context)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    _wait_for_server_transactions()
    assert errors == [], f"JavaScript errors on the page: {errors}"
    assert violations == [], f"Content-Security-Policy violations: {violations}"


@pytest.fixture
def web_world(browser: Browser, transactional_db: None) -> BrowserWorld:
    from coding.services.projects import project_create

    version = mini_version()
    project = project_create(slug="web", name="Sahel web test", codebook_version=version, overlap=1)
    coder, coder_b, supervisor = (
        UserFactory(username=name) for name in ("coder_web", "coder_two", "super_web")
    )
    membership_set(project=project, user=coder, role="coder")
    membership_set(project=project, user=coder_b, role="coder")
    membership_set(project=project, user=supervisor, role="supervisor")
    created = articles_create(
        project=project,
        items=[
            Item("هجوم على بولكيسي", ARABIC_TEXT, "ar"),
            Item("Ménaka : l’EIGS attaque Tidermène", FRENCH_TEXT, "fr"),
        ],
        actor=None,
    ).created
    arabic, french = created
    assignment = AssignmentFactory(article=arabic, coder=coder)
    french_assignment = AssignmentFactory(article=french, coder=coder)
    actor = ActorFactory(name="Jama'at Nusrat al-Islam wal-Muslimin")
    for text in ("JNIM", "جماعة نصرة الإسلام والمسلمين"):
        ActorAliasFactory(actor=actor, text=text, normalized=alias_key(text))
    location = LocationFactory(name="Boulkessi")
    for text in ("Boulkessi", "بولكيسي"):
        LocationAliasFactory(location=location, text=text, normalized=alias_key(text))
    return BrowserWorld(
        project=project,
        coder=coder,
        coder_b=coder_b,
        supervisor=supervisor,
        arabic=arabic,
        french=french,
        assignment=assignment,
        french_assignment=french_assignment,
        actor=actor,
        location=location,
    )


def sign_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{base_url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form button[type=submit].primary")
    page.wait_for_url(f"{base_url}/")


def open_coding(page: Page, base_url: str, assignment_id: int) -> None:
    page.goto(f"{base_url}/code/{assignment_id}/")
    page.wait_for_selector("body[data-ready=true]")


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    page.screenshot(path=str(path), full_page=full_page)
    return path
