"""The project pages on the Django side: who may open each (the API decides: 403 for a member
whose role does not allow it, 404 for anyone outside), the links each role is offered,
and escaping of article text and titles on the side-by-side view."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.test import Client

from coding.models import User
from tests.factories import ArticleFactory
from tests.world import ARTICLE_TEXT, World

pytestmark = pytest.mark.django_db

PAGES = ["agreement", "adjudication", "adjudication/{article}", "feedback", "data", "throughput"]


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url(world: World, page: str) -> str:
    return f"/projects/{world.project.pk}/{page.format(article=world.article.pk)}/"


@pytest.mark.parametrize("page", PAGES)
def test_project_pages_need_a_signed_in_user(world: World, page: str) -> None:
    response = Client().get(url(world, page))
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url(world, page)}"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("coder_a", [403, 403, 403, 200, 403, 403]),  # feedback: their own (issue #17)
        ("researcher", [200, 403, 403, 403, 200, 403]),
        ("supervisor", [200, 200, 200, 200, 200, 200]),
        ("admin", [200, 200, 200, 200, 200, 200]),
        ("outsider", [404, 404, 404, 404, 404, 404]),
    ],
)
def test_each_role_opens_only_its_pages(world: World, who: str, expected: list[int]) -> None:
    client = client_for(getattr(world, who))
    statuses = [client.get(url(world, page)).status_code for page in PAGES]
    assert statuses == expected


def test_refusals_say_why_without_revealing_anything(world: World) -> None:
    coder = client_for(world.coder_a).get(url(world, "adjudication/{article}")).content.decode()
    assert "Your role in this project does not give access to this page." in coder
    assert ARTICLE_TEXT[:20] not in coder
    outsider = client_for(world.outsider).get(url(world, "agreement")).content.decode()
    assert "This page does not exist, or it is not yours to see." in outsider
    assert "P1" not in outsider
    missing = client_for(world.supervisor).get(f"/projects/{world.project.pk}/adjudication/999999/")
    assert missing.status_code == 404
    assert client_for(world.supervisor).get("/projects/999999/data/").status_code == 404


@pytest.mark.parametrize(
    ("who", "links"),
    [
        ("coder_a", ["feedback"]),
        ("researcher", ["agreement", "data"]),
        ("supervisor", ["agreement", "adjudication", "feedback", "throughput", "import", "data"]),
        ("admin", ["agreement", "adjudication", "feedback", "throughput", "import", "data"]),
    ],
)
def test_home_offers_each_role_its_project_pages(world: World, who: str, links: list[str]) -> None:
    page = client_for(getattr(world, who)).get("/").content.decode()
    found = re.findall(rf'href="/projects/{world.project.pk}/(\w+)/"', page)
    assert found == links


def test_project_tabs_mark_the_current_page(world: World) -> None:
    page = client_for(world.researcher).get(url(world, "data")).content.decode()
    tabs = re.search(r'<nav class="project-tabs"[^>]*>(.*?)</nav>', page, re.S)
    assert tabs is not None
    assert re.findall(r'<a href="([^"]+)"', tabs.group(1)) == [
        f"/projects/{world.project.pk}/agreement/",
        f"/projects/{world.project.pk}/data/",
    ]
    assert f'<a href="/projects/{world.project.pk}/data/" aria-current="page">' in tabs.group(1)


def test_researchers_read_agreement_without_recompute_or_disagreements(world: World) -> None:
    researcher = client_for(world.researcher).get(url(world, "agreement")).content.decode()
    assert 'id="btn-recompute"' not in researcher
    assert 'id="dis-table"' not in researcher
    supervisor = client_for(world.supervisor).get(url(world, "agreement")).content.decode()
    assert 'id="btn-recompute"' in supervisor
    assert 'id="dis-table"' in supervisor
    boot = json.loads(
        re.search(r'<script id="boot" type="application/json">(.*?)</script>', supervisor).group(1)  # type: ignore[union-attr]
    )
    assert boot["can_manage"] is True
    assert set(boot["by_field"]) == {
        "run",
        "in_progress",
        "results",
        "detection",
        "gamma",
        "alpha_u",
    }


def test_release_form_is_for_supervisors_only(world: World) -> None:
    assert (
        'id="release-form"'
        not in client_for(world.researcher).get(url(world, "data")).content.decode()
    )
    assert (
        'id="release-form"' in client_for(world.supervisor).get(url(world, "data")).content.decode()
    )


def test_side_by_side_renders_the_text_once_escaped_exactly_as_stored(world: World) -> None:
    text = '<script>alert("x")</script> & <b>bold</b>\n</div><p dir="ltr">injected 😢'
    article: Any = ArticleFactory(
        project=world.project,
        title='<img src=x onerror="alert(1)">',
        text=text,
        paragraphs=[[0, text.index("\n"), "ltr"], [text.index("\n") + 1, len(text), "ltr"]],
    )
    page = (
        client_for(world.supervisor)
        .get(f"/projects/{world.project.pk}/adjudication/{article.pk}/")
        .content.decode()
    )
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert '<p dir="ltr">injected' not in page
    assert (
        '<h1 id="article-title" dir="auto">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</h1>'
        in page
    )
    block = re.search(r'<div id="article-text"[^>]*>(.*?)</div>\n  </section>', page, re.S)
    assert block is not None
    assert html.unescape(re.sub(r"<[^>]+>", "", block.group(1))) == text
    boot = json.loads(
        re.search(r'<script id="boot" type="application/json">(.*?)</script>', page).group(1)  # type: ignore[union-attr]
    )
    assert "text" not in boot["view"]["article"]
    assert boot["view"]["article"]["title"] == '<img src=x onerror="alert(1)">'
    assert boot["view"]["adjudication"] is None


def test_feedback_page_is_a_table_once_articles_are_validated(world: World) -> None:
    page = client_for(world.supervisor).get(url(world, "feedback")).content.decode()
    assert "No validated articles yet" in page
