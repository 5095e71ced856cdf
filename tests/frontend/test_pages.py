"""The Django side of the web pages: who may open what, what the navigation offers each
role, and how the coding screen renders the article (escaped, exactly the stored text)."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.test import Client

from coding.models import User
from tests.factories import ArticleFactory, AssignmentFactory
from tests.world import ARTICLE_TEXT, World

pytestmark = pytest.mark.django_db


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def article_block(page: str) -> str:
    """The inner HTML of the article container."""
    match = re.search(r'<div id="article-text"[^>]*>(.*?)</div>', page, re.S)
    assert match is not None
    return match.group(1)


def boot_data(page: str) -> dict:  # type: ignore[type-arg]
    match = re.search(r'<script id="boot" type="application/json">(.*?)</script>', page, re.S)
    assert match is not None
    return json.loads(match.group(1))  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", ["/", "/queue/", "/code/1/"])
def test_pages_need_a_signed_in_user(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


@pytest.mark.parametrize(
    ("who", "whose", "status"),
    [
        ("coder_a", "assignment_a", 200),
        ("coder_a", "assignment_b", 404),  # blind coding: another coder's work does not exist
        ("coder_b", "assignment_b", 200),
        ("supervisor", "assignment_a", 200),
        ("admin", "assignment_b", 200),
        ("researcher", "assignment_a", 404),
        ("outsider", "assignment_a", 404),
    ],
)
def test_coding_screen_access_per_role(world: World, who: str, whose: str, status: int) -> None:
    assignment = getattr(world, whose)
    response = client_for(getattr(world, who)).get(f"/code/{assignment.pk}/")
    assert response.status_code == status
    if status == 404:
        assert "This assignment does not exist, or it is not yours to see." in (
            response.content.decode()
        )
        assert ARTICLE_TEXT[:20] not in response.content.decode()


@pytest.mark.parametrize(
    ("who", "queue", "api"),
    [
        ("coder_a", True, False),
        ("supervisor", False, True),
        ("researcher", False, True),
        ("admin", False, True),
        ("outsider", True, False),
    ],
)
def test_navigation_shows_each_role_what_it_may_use(
    world: World, who: str, queue: bool, api: bool
) -> None:
    page = client_for(getattr(world, who)).get("/").content.decode()
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', page, re.S)
    assert nav is not None
    assert ('href="/queue/"' in nav.group(1)) is queue
    assert ('href="/api/docs/"' in nav.group(1)) is api
    assert ('href="/admin/"' in nav.group(1)) is False  # staff only


def test_home_lists_projects_with_the_role_and_what_it_opens(world: World) -> None:
    page = client_for(world.coder_a).get("/").content.decode()
    assert '<h2 dir="auto">P1</h2>' in page
    assert '<span class="badge">coder</span>' in page
    assert 'href="/queue/">Open my queue</a>' in page
    # not a member (matched as a heading: a random CSRF token may contain "P2")
    assert not re.search(r">\s*P2\s*<", page)
    researcher = client_for(world.researcher).get("/").content.decode()
    assert '<span class="badge">researcher</span>' in researcher
    assert "Exports (API)" in researcher
    assert "Open my queue" not in researcher


def test_article_is_rendered_one_block_per_paragraph_exactly_as_stored(world: World) -> None:
    page = client_for(world.coder_a).get(f"/code/{world.assignment_a.pk}/").content.decode()
    block = article_block(page)
    lines = ARTICLE_TEXT.split("\n")
    assert block == "\n".join(
        f'<p dir="{d}">{html.escape(line, quote=True)}</p>'
        for d, line in zip(["rtl", "rtl", "ltr"], lines, strict=True)
    )
    # The text content (tags dropped, entities decoded) is the stored text, "\n" included.
    assert html.unescape(re.sub(r"<[^>]+>", "", block)) == ARTICLE_TEXT
    opening = re.search(r'<div id="article-text"[^>]*>', page)
    assert opening is not None
    for attribute in ('translate="no"', 'class="article-text notranslate"', 'lang="ar"'):
        assert attribute in opening.group(0)


def test_boot_data_carries_the_api_answers_without_the_text(world: World) -> None:
    page = client_for(world.coder_a).get(f"/code/{world.assignment_a.pk}/").content.decode()
    boot = boot_data(page)
    assert set(boot) == {
        "assignment",
        "article",
        "events",
        "events_next",
        "codebook",
        "my_role",
        "user_id",
        "time",
    }
    assert boot["time"] == {"total_seconds": 0, "idle_seconds": 60}
    assert "text" not in boot["article"]
    assert boot["article"]["len_u16"] == len(ARTICLE_TEXT.encode("utf-16-le")) // 2 == 163
    assert boot["article"]["len_cp"] == len(ARTICLE_TEXT) == 160
    assert boot["assignment"]["id"] == world.assignment_a.pk
    assert boot["codebook"]["spec"]["slug"] == "mini"
    assert boot["my_role"] == "coder"
    assert boot["user_id"] == world.coder_a.pk


def test_article_text_and_title_are_escaped_never_marked_safe(world: World) -> None:
    text = '<script>alert("x")</script> & <b>bold</b> \'q\'\n</div><p dir="ltr">injected'
    article = ArticleFactory(
        project=world.project,
        title='<img src=x onerror="alert(1)">',
        text=text,
        paragraphs=[[0, text.index("\n"), "ltr"], [text.index("\n") + 1, len(text), "ltr"]],
    )
    assignment = AssignmentFactory(article=article, coder=world.coder_a)
    page = client_for(world.coder_a).get(f"/code/{assignment.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "<b>bold</b>" not in page
    assert '<p dir="ltr">injected' not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    title = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert f'<h1 id="article-title" dir="auto">{title}</h1>' in page
    block = article_block(page.replace("&lt;/div&gt;", "&lt;/DIV&gt;"))
    assert html.unescape(re.sub(r"<[^>]+>", "", block)).replace("</DIV>", "</div>") == text
    # The JSON for the module cannot close its <script> element either.
    assert boot_data(page)["article"]["title"] == '<img src=x onerror="alert(1)">'


def test_unknown_assignment_is_404(world: World) -> None:
    response = client_for(world.coder_a).get("/code/999999/")
    assert response.status_code == 404


def test_queue_page_is_a_shell_with_its_strings(world: World) -> None:
    response = client_for(world.coder_a).get("/queue/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<script type="module" src="/static/frontend/js/queue.js"></script>' in page
    assert '<tbody id="queue-body"></tbody>' in page
    strings = re.search(r'<script id="ui-strings" type="application/json">(.*?)</script>', page)
    assert strings is not None
    assert json.loads(strings.group(1))["Continue"] == "Continue"


def test_arabic_ui_is_right_to_left_and_translated(world: World) -> None:
    client = client_for(world.coder_a)
    client.cookies["django_language"] = "ar"
    page = client.get(f"/code/{world.assignment_a.pk}/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert ">قائمتي</a>" in page
    strings = re.search(r'<script id="ui-strings" type="application/json">(.*?)</script>', page)
    assert strings is not None
    assert json.loads(strings.group(1))["Saving…"] == "جارٍ الحفظ…"
    # The article keeps its own direction per paragraph, whatever the UI language.
    assert article_block(page).startswith('<p dir="rtl">')


def test_french_ui(world: World) -> None:
    client = client_for(world.coder_a)
    client.cookies["django_language"] = "fr"
    page = client.get("/queue/").content.decode()
    assert '<html lang="fr" dir="ltr">' in page
    assert "<h1>Ma file</h1>" in page
