"""The coding screen's read of an assignment through coding.assignment_reads (one statement for
who may read it and what it shows) and api.presenters.assignment_detail_dicts (plain dicts, not
ModelSerializers): the same answers as coding.access.access_assignment for every kind of
reader and membership state, and the same response bytes as the serializers gave, on an article
with emoji, harakat, tatweel, ZWNJ, a right-to-left mark, U+2028 and lines in both directions;
a change to an event is served at the next read (never a stale stored text)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection

from api.presenters import event_dict
from api.renderers import ORJSONRenderer, RawJSON
from api.serializers.workflow import AssignmentSerializer, CodingArticleSerializer
from coding import selectors
from coding.access import access_assignment
from coding.assignment_reads import access_assignment_for_read
from coding.codebook_runtime import event_type_codes
from coding.event_pages import article_thresholds, assignment_event_page, astral_thresholds
from coding.models import Article, Assignment, CodedEvent, EvidenceSpan, Membership, User
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.events import EventInput, SpanInput, event_create
from coding.text.offsets import OffsetMap
from tests.access_answers import access_answer, every_kind_of_user
from tests.world import Item, World

pytestmark = pytest.mark.django_db

# Astral characters (a flag, emoji with a skin tone, a CJK extension character), harakat,
# tatweel, ZWNJ and ZWJ, a right-to-left mark, mixed directions on one line, U+2028.
TEXT = (
    "🇲🇱 قُتِلَ خمسةُ جنودٍ 😢 في هجومٍ على بولكيسي يوم ١٢ يونيو/ حزيران 2022.\n"
    "وأعلنت الجماعـــة مسؤوليتها 👍🏽 عن الهجوم؛ می\u200cخواهم \u200f«JNIM» 𠀀 a\u200db.\n"
    "Le 13 juin, les FAMa ont riposté à Gao 🚀 (غاو)\u2028fin."
)
NEEDLES = ["قُتِلَ", "الجماعـــة", "می\u200cخواهم", "«JNIM» 𠀀", "Gao 🚀", "(غاو)\u2028fin"]


def _span(needle: str, role: str = "trigger") -> SpanInput:
    start = TEXT.index(needle)
    return SpanInput(role, start, start + len(needle), needle)


def _same_answers(world: World) -> None:
    for user in every_kind_of_user(world):
        for assignment_id in (world.assignment_a.pk, world.assignment_b.pk, 10**9):
            expected = access_answer(lambda u=user, a=assignment_id: access_assignment(u, a))
            actual = access_answer(lambda u=user, a=assignment_id: access_assignment_for_read(u, a))
            assert actual == expected, (user.username, assignment_id)


def test_the_read_answers_like_access_assignment_in_every_membership_state(world: World) -> None:
    _same_answers(world)
    assert access_answer(
        lambda: access_assignment_for_read(world.coder_b, world.assignment_a.pk)
    ) == (
        "NotFound",
        "assignment not found",
    )
    assert access_answer(
        lambda: access_assignment_for_read(world.supervisor, world.assignment_a.pk)
    ) == (
        "ok",
        world.assignment_a.pk,
    )
    memberships = Membership.objects.filter(project=world.project)
    # The coder's role changed: a researcher no longer reads their old assignment.
    memberships.filter(user=world.coder_a).update(role="researcher")
    _same_answers(world)
    assert access_answer(lambda: access_assignment_for_read(world.coder_a, world.assignment_a.pk))[
        0
    ] == ("NotFound")
    # Deactivated coder and supervisor: 404 for both; a superuser coder still reads their own.
    memberships.filter(user=world.coder_a).update(role="coder", is_active=False)
    memberships.filter(user=world.supervisor).update(is_active=False)
    _same_answers(world)
    assert access_answer(
        lambda: access_assignment_for_read(world.supervisor, world.assignment_a.pk)
    )[0] == ("NotFound")
    User.objects.filter(pk=world.coder_a.pk).update(is_superuser=True)
    world.coder_a.refresh_from_db()
    _same_answers(world)
    assert access_answer(
        lambda: access_assignment_for_read(world.coder_a, world.assignment_a.pk)
    ) == (
        "ok",
        world.assignment_a.pk,
    )


def test_the_read_loads_the_article_and_coder_as_the_orm_does(world: World) -> None:
    assignment = access_assignment_for_read(world.supervisor, world.assignment_a.pk)
    orm = Assignment.objects.select_related("article", "coder").get(pk=world.assignment_a.pk)
    fields = [f.attname for f in Article._meta.concrete_fields if f.attname != "imported_at"]
    loaded = assignment.article
    assert [getattr(loaded, f) for f in fields] == [getattr(orm.article, f) for f in fields]
    assert (assignment.coder.pk, assignment.coder.username) == (orm.coder_id, orm.coder.username)
    assert [getattr(assignment, f.attname) for f in Assignment._meta.concrete_fields] == [
        getattr(orm, f.attname) for f in Assignment._meta.concrete_fields
    ]


def _scene(world: World) -> Assignment:
    """An article with every kind of text trap, a publication time and nested metadata; coder A
    has started coding it (two events)."""
    item = Item(
        "قُتِلَ «JNIM» 😢",
        TEXT,
        url="https://example.org/a?b=1",
        external_id="ext-\u200c-1",
        metadata={"zz": {"big": 2**70, "f": 0.1}, "a": ["١٢", None, True], "é": "😢"},
    )
    created = articles_create(project=world.project, items=[item], actor=None)
    Article.objects.filter(pk=created.created[0].pk).update(
        published_at=dt.datetime(2022, 6, 12, 5, 6, 7, 890, tzinfo=dt.UTC)
    )
    assignments_balance(project=world.project)
    assignment = Assignment.objects.get(article=created.created[0], coder=world.coder_a)
    for i, needles in enumerate([NEEDLES[:3], NEEDLES[3:]]):
        event_create(
            assignment=assignment,
            actor=world.coder_a,
            data=EventInput(
                event_type="ATTACK",
                event_subtype="ARMED_ASSAULT" if i else None,
                values={"fatalities": i, "notes_text": TEXT[:30]},
                memo="ملاحظة\u200c 👍🏽" if i else "",
                spans=[_span(n) for n in needles],
            ),
        )
    return assignment


def _serializers_body(assignment_id: int, limit: int | None) -> bytes:
    """The response as the view wrote it with the ModelSerializers (DRF fields for the
    assignment and its article), the events spliced from PostgreSQL's page."""
    listed = selectors.assignment_list().get(pk=assignment_id)  # n_events, last_activity
    assignment = Assignment.objects.select_related("article").get(pk=assignment_id)
    page = assignment_event_page(assignment, article_text=assignment.article.text, limit=limit)
    data = {
        "assignment": AssignmentSerializer(listed).data,
        "article": CodingArticleSerializer(assignment.article).data,
        "events": RawJSON(page.events_json),
        "events_next": None,
    }
    return ORJSONRenderer().render(data)


@pytest.mark.parametrize("reader", ["coder_a", "supervisor"])
def test_the_body_is_byte_for_byte_what_the_serializers_wrote(world: World, reader: str) -> None:
    assignment = _scene(world)
    client = world.client(getattr(world, reader))
    for query, limit in (("", None), ("?events_limit=1000", 1000)):
        response = client.get(f"/api/v1/assignments/{assignment.pk}/{query}")
        assert response.status_code == 200
        expected = _serializers_body(assignment.pk, limit)
        assert response.content == expected
    body = json.loads(response.content)
    assert body["article"]["text"] == TEXT
    assert body["article"]["published_at"] == "2022-06-12T05:06:07.000890Z"
    assert body["assignment"]["article"]["published_at"] == "2022-06-12T05:06:07.000890+00:00"
    assert body["article"]["metadata"]["zz"]["big"] == 2**70
    assert b"\\u2028" in response.content
    assert "\u2028".encode() not in response.content
    assert [s["quote"] for e in body["events"] for s in e["spans"]] == NEEDLES


def test_a_changed_event_is_served_anew_never_the_stored_text(world: World) -> None:
    assignment = _scene(world)
    client = world.client(world.coder_a)
    url = f"/api/v1/assignments/{assignment.pk}/?events_limit=1000"
    first = client.get(url).json()  # stores both events' texts
    event = CodedEvent.objects.filter(assignment=assignment).order_by("id").first()
    assert event is not None
    # Changes that bypass the services: a span's quote and offsets, and the event's values.
    span = EvidenceSpan.objects.filter(event=event).order_by("start").first()
    assert span is not None
    start = TEXT.index("بولكيسي")
    EvidenceSpan.objects.filter(pk=span.pk).update(
        start=start, end=start + len("بولكيسي"), quote="بولكيسي"
    )
    CodedEvent.objects.filter(pk=event.pk).update(values={"fatalities": 9})
    response = client.get(url)
    assert response.content == _serializers_body(assignment.pk, 1000)
    second = response.json()
    assert second["events"][1] == first["events"][1]
    changed = second["events"][0]
    assert changed["values"] == {"fatalities": 9}
    codes = event_type_codes(world.project.codebook_version_id)
    live = event_dict(CodedEvent.objects.get(pk=event.pk), codes, OffsetMap(TEXT))
    assert changed == json.loads(json.dumps(live))
    assert "بولكيسي" in [s["quote"] for s in changed["spans"]]
    if connection.vendor == "postgresql":
        assert second["assignment"]["n_events"] == 2


def test_an_articles_astral_positions_are_kept_by_its_id_and_hash() -> None:
    first = article_thresholds(10**9, "a" * 64, TEXT)
    assert first == astral_thresholds(TEXT)
    assert first == [i + 1 for i, c in enumerate(TEXT) if ord(c) > 0xFFFF]
    assert article_thresholds(10**9, "a" * 64, TEXT) is first  # kept
    assert article_thresholds(10**9 + 1, "a" * 64, "plain") == []  # another article
