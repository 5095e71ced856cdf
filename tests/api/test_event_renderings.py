"""Stored renderings of coder events (coding.event_pages, migration 0030), on PostgreSQL.

The read stores each event's JSON text with the event's `render_stamp`, and serves a stored
text only while the stamps are equal; triggers move the stamp on every change of the event
or its spans, whoever makes it. Here: the stored text equals the live rendering
(api.presenters.event_dict) after every kind of change, through the services, the ORM, raw
SQL and the Django admin; a text rendered from an older snapshot is never served; random
sequences of changes and reads; concurrent writers and readers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from typing import Any

import psycopg
import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.renderers import JSONRenderer

from api.presenters import event_dict
from coding.event_pages import _page_sql, assignment_event_page, astral_thresholds
from coding.models import Assignment, CodedEvent, EventRendering, EventType, EvidenceSpan
from coding.services.articles import articles_create
from coding.services.assignment import assignments_balance
from coding.services.events import EventInput, SpanInput, event_create, event_delete, event_update
from coding.text.offsets import OffsetMap
from tests.factories import UserFactory
from tests.world import Item, World

pytestmark = pytest.mark.django_db

# Astral characters (flags, emoji with a skin tone, a CJK extension character), harakat,
# tatweel, ZWNJ and ZWJ, a right-to-left mark, mixed directions on one line, U+2028.
TEXT = (
    "🇲🇱 قُتِلَ خمسةُ جنودٍ 😢 في هجومٍ على بولكيسي يوم ١٢ يونيو/ حزيران 2022.\n"
    "وأعلنت الجماعـــة مسؤوليتها 👍🏽 عن الهجوم؛ می\u200cخواهم \u200f«JNIM» 𠀀 a\u200db.\n"
    "Le 13 juin, les FAMa ont riposté à Gao 🚀 (غاو)\u2028fin."
)
NEEDLES = [
    "قُتِلَ",
    "بولكيسي",
    "الجماعـــة",
    "مسؤوليتها 👍🏽",
    "می\u200cخواهم",
    "«JNIM» 𠀀",
    "Gao 🚀",
    "(غاو)",
]


def _span(needle: str, role: str = "trigger") -> SpanInput:
    start = TEXT.index(needle)
    return SpanInput(role, start, start + len(needle), needle)


def _scene(world: World, n: int = 3) -> Assignment:
    created = articles_create(project=world.project, items=[Item("Stored", TEXT)], actor=None)
    assignments_balance(project=world.project)
    assignment = Assignment.objects.get(article=created.created[0], coder=world.coder_a)
    for i in range(n):
        _create(world, assignment, i)
    return assignment


def _create(world: World, assignment: Assignment, i: int) -> CodedEvent:
    return event_create(
        assignment=assignment,
        actor=world.coder_a,
        data=EventInput(
            event_type="ATTACK",
            event_subtype="ARMED_ASSAULT" if i % 2 else None,
            values={"fatalities": i, "notes_text": f"ملاحظة {i} 😢"},
            memo=f"memo {i}\u2028«»",
            spans=[_span(NEEDLES[i % len(NEEDLES)]), _span(NEEDLES[(i + 3) % len(NEEDLES)])],
        ),
    )


def _ordered(raw: bytes | str) -> Any:
    return json.loads(raw, object_pairs_hook=list)


def _live(assignment: Assignment) -> list[Any]:
    """Every event of the assignment as the model path renders it, keys in order; event type
    codes read afresh (the per-process cache would not see an edited code)."""
    article = assignment.article
    codes = dict(EventType.objects.values_list("id", "code"))
    offsets = OffsetMap(article.text)
    events = CodedEvent.objects.filter(assignment=assignment).order_by("id")
    return [
        _ordered(JSONRenderer().render(event_dict(e, codes, offsets)))
        for e in events.prefetch_related("spans")
    ]


def _read(assignment: Assignment, **kwargs: Any) -> tuple[list[Any], int]:
    """(the events of a read, how many it rendered anew)."""
    page = assignment_event_page(assignment, article_text=assignment.article.text, **kwargs)
    return _ordered(page.events_json), page.rendered


def _stored_bodies(assignment: Assignment) -> dict[int, str]:
    """The stored texts whose stamp is the event's current one (those a read serves)."""
    return dict(
        EventRendering.objects.filter(
            event__assignment=assignment, stamp=F("event__render_stamp")
        ).values_list("event_id", "body")
    )


def _assert_fresh(assignment: Assignment) -> None:
    """The read equals the live rendering, and every servable stored text is byte for byte
    what rendering the event now gives."""
    events, _ = _read(assignment)
    assert events == _live(assignment)
    stored = _stored_bodies(assignment)
    EventRendering.objects.filter(event__assignment=assignment).delete()
    assert _read(assignment)[1] == len(events)  # all rendered again
    assert {k: v for k, v in _stored_bodies(assignment).items() if k in stored} == stored


def test_the_first_read_stores_the_renderings_and_the_next_serves_them(world: World) -> None:
    assignment = _scene(world)
    events, rendered = _read(assignment)
    assert rendered == 3
    assert events == _live(assignment)
    assert EventRendering.objects.filter(event__assignment=assignment).count() == 3
    again, rendered = _read(assignment)
    assert (again, rendered) == (events, 0)
    page, rendered = _read(assignment, after=events[0][0][1], limit=1)  # keyset page
    assert (page, rendered) == (events[1:2], 0)
    # The whole read and the API's answer are the same text.
    body = world.client(world.coder_a).get(f"/api/v1/assignments/{assignment.pk}/")
    assert _ordered(body.content)[2] == ("events", events)
    _assert_fresh(assignment)


def _first(assignment: Assignment) -> CodedEvent:
    return CodedEvent.objects.filter(assignment=assignment).order_by("id").first()  # type: ignore[return-value]


def _change_service_update(world: World, a: Assignment) -> int:
    event = _first(a)
    event_update(
        event=event,
        actor=world.coder_a,
        expected_version=event.version,
        data=EventInput(
            event_type="TRUCE",
            values={"notes_text": "هدنة ‌ZWNJ"},
            memo="changed ‏ميمو",
            spans=[_span("«JNIM» 𠀀", "actor1"), _span("(غاو)", "location")],
        ),
    )
    return 1


def _change_service_create(world: World, a: Assignment) -> int:
    _create(world, a, 7)
    return 1


def _change_service_delete(world: World, a: Assignment) -> int:
    event = _first(a)
    event_delete(event=event, actor=world.coder_a, expected_version=event.version)
    assert not EventRendering.objects.filter(event_id=event.pk).exists()
    return 0


def _change_memo_by_queryset_update(world: World, a: Assignment) -> int:
    CodedEvent.objects.filter(pk=_first(a).pk).update(memo="set by .update(), no version")
    return 1


def _change_version_only(world: World, a: Assignment) -> int:
    CodedEvent.objects.filter(pk=_first(a).pk).update(version=F("version") + 1)
    return 1


def _change_model_save(world: World, a: Assignment) -> int:
    event = _first(a)
    event.memo = "saved as the admin saves"
    event.save()
    return 1


def _change_values_by_sql(world: World, a: Assignment) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE coding_codedevent SET "values" = '{"fatalities": 12, "z": [1.5]}'"""
            " WHERE id = %s",
            [_first(a).pk],
        )
    return 1


def _change_span_deleted(world: World, a: Assignment) -> int:
    EvidenceSpan.objects.filter(pk=_first(a).spans.order_by("id").first().pk).delete()  # type: ignore[union-attr]
    return 1


def _change_span_added(world: World, a: Assignment) -> int:
    span = _span("Gao 🚀", "location")
    EvidenceSpan.objects.create(event=_first(a), **dataclasses.asdict(span))
    return 1


def _change_span_role_by_sql(world: World, a: Assignment) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE coding_evidencespan SET role = 'actor2' WHERE event_id = %s", [_first(a).pk]
        )
    return 1


def _change_span_moved(world: World, a: Assignment) -> int:
    first, second = CodedEvent.objects.filter(assignment=a).order_by("id")[:2]
    moving = first.spans.order_by("id").first()
    assert moving is not None
    EvidenceSpan.objects.filter(pk=moving.pk).update(event=second)
    return 2


def _change_timestamps(world: World, a: Assignment) -> int:
    CodedEvent.objects.filter(pk=_first(a).pk).update(
        updated_at=F("updated_at") + dt.timedelta(seconds=1)
    )
    return 1


CHANGES = {
    name.removeprefix("_change_"): fn
    for name, fn in list(globals().items())
    if name.startswith("_change_")
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_kind_of_change_is_rendered_anew(world: World, change: str) -> None:
    assignment = _scene(world)
    assert _read(assignment)[1] == 3
    expected_rendered = CHANGES[change](world, assignment)
    events, rendered = _read(assignment)
    assert events == _live(assignment)
    assert rendered == expected_rendered  # the unchanged events are served as stored
    _assert_fresh(assignment)


def test_every_update_of_an_event_or_its_spans_moves_its_stamp(world: World) -> None:
    assignment = _scene(world, 2)
    first, second = CodedEvent.objects.filter(assignment=assignment).order_by("id")

    def stamps() -> tuple[int, int]:
        got = dict(
            CodedEvent.objects.filter(assignment=assignment).values_list("id", "render_stamp")
        )
        return got[first.pk], got[second.pk]

    start = stamps()
    CodedEvent.objects.filter(pk=first.pk).update(render_stamp=0)  # cannot be set back
    assert stamps() == (start[0] + 1, start[1])
    EvidenceSpan.objects.filter(event=second).update(role="x")  # one statement, one step
    assert stamps() == (start[0] + 1, start[1] + 1)
    EvidenceSpan.objects.filter(event__assignment=assignment).delete()
    assert stamps() == (start[0] + 2, start[1] + 2)


def test_a_rendering_from_an_older_snapshot_is_never_served(world: World) -> None:
    """A read renders from its snapshot; if the event changed meanwhile, the text it stores
    carries the old stamp and no later read serves it (nor does it replace a newer one)."""
    assignment = _scene(world, 1)
    event = _first(assignment)
    _read(assignment)
    stale_stamp = event.render_stamp
    CodedEvent.objects.filter(pk=event.pk).update(memo="newer")
    old_body = EventRendering.objects.get(event_id=event.pk).body
    # A text of the older stamp, as a read that raced the change would have stored it.
    EventRendering.objects.filter(event_id=event.pk).update(stamp=stale_stamp)
    events, rendered = _read(assignment)
    assert rendered == 1
    assert events == _live(assignment)
    assert dict(events[0])["memo"] == "newer"
    newer = EventRendering.objects.get(event_id=event.pk)
    assert newer.body != old_body
    # An older read storing its text now changes nothing: the stored stamp is newer.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO coding_eventrendering AS r (event_id, stamp, body) VALUES (%s, %s, %s)"
            " ON CONFLICT (event_id) DO UPDATE SET stamp = EXCLUDED.stamp, body = EXCLUDED.body"
            " WHERE r.stamp < EXCLUDED.stamp",
            [event.pk, stale_stamp, old_body],
        )
    assert EventRendering.objects.get(event_id=event.pk).body == newer.body


def test_deleting_events_deletes_their_renderings(world: World) -> None:
    assignment = _scene(world)
    _read(assignment)
    ids = list(CodedEvent.objects.filter(assignment=assignment).values_list("id", flat=True))
    with connection.cursor() as cursor:  # raw SQL: spans first, then the events
        cursor.execute("DELETE FROM coding_evidencespan WHERE event_id = ANY(%s)", [ids])
        cursor.execute("DELETE FROM coding_codedevent WHERE id = ANY(%s)", [ids])
    assert not EventRendering.objects.filter(event_id__in=ids).exists()
    assert _read(assignment) == ([], 0)


def test_an_event_type_code_edited_in_the_django_admin(world: World) -> None:
    """The admin may edit an event type's code; the events of that type and sub-type are
    rendered anew, the others served as stored."""
    assignment = _scene(world, 4)  # two with the sub-type ARMED_ASSAULT
    _read(assignment)
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    kind = EventType.objects.get(version=world.project.codebook_version, code="ARMED_ASSAULT")
    response = client.post(
        f"/admin/coding/eventtype/{kind.pk}/change/",
        {
            "version": kind.version_id,
            "code": "ARMED_ASSAULT_2",
            "parent": kind.parent_id,
            "labels": json.dumps(kind.labels),
            "definition": json.dumps(kind.definition),
            "attributes": json.dumps(kind.attributes),
            "depth": kind.depth,
            "position": kind.position,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert EventType.objects.get(pk=kind.pk).code == "ARMED_ASSAULT_2"
    events, rendered = _read(assignment)
    assert rendered == 2
    assert events == _live(assignment)
    assert [dict(e)["event_subtype"] for e in events] == [None, "ARMED_ASSAULT_2"] * 2
    _assert_fresh(assignment)


_SCENES: dict[int, int] = {}

OPERATIONS = st.lists(
    st.tuples(
        st.sampled_from(["create", "update", "delete", "memo", "span+", "span-", "read"]),
        st.integers(min_value=0, max_value=7),
    ),
    min_size=1,
    max_size=12,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_random_changes_and_reads_never_serve_a_stale_text(
    world: World, operations: list[tuple[str, int]]
) -> None:
    # Hypothesis runs the examples on one `world`: they share its scene, grown as they go.
    if id(world) not in _SCENES:
        _SCENES[id(world)] = _scene(world, 2).pk
    assignment = Assignment.objects.select_related("article").get(pk=_SCENES[id(world)])
    for operation, k in operations:
        events = list(CodedEvent.objects.filter(assignment=assignment).order_by("id"))
        target = events[k % len(events)] if events else None
        if operation == "create" or target is None:
            _create(world, assignment, k)
        elif operation == "update":
            event_update(
                event=target,
                actor=world.coder_a,
                expected_version=target.version,
                data=EventInput(
                    event_type="ATTACK",
                    event_subtype=None,
                    values={"fatalities": k},
                    memo=f"u{k}",
                    spans=[_span(NEEDLES[k % len(NEEDLES)])],
                ),
            )
        elif operation == "delete":
            event_delete(event=target, actor=world.coder_a, expected_version=None)
        elif operation == "memo":
            CodedEvent.objects.filter(pk=target.pk).update(memo=f"m{k} 👍🏽")
        elif operation == "span+":
            span = _span(NEEDLES[k % len(NEEDLES)], f"role{k}")
            if not target.spans.filter(role=span.role, start=span.start).exists():
                EvidenceSpan.objects.create(event=target, **dataclasses.asdict(span))
        elif operation == "span-":
            EvidenceSpan.objects.filter(pk__in=target.spans.values("pk")[:1]).delete()
        else:
            after = events[k % len(events)].pk if k % 3 == 0 else 0
            page, _ = _read(assignment, after=after, limit=1 + k % 3)
            live = [e for e in _live(assignment) if dict(e)["id"] > after][: 1 + k % 3]
            assert page == live
        whole, _ = _read(assignment)
        assert whole == _live(assignment)


def test_astral_thresholds_match_the_offset_map() -> None:
    offsets = OffsetMap(TEXT)
    thresholds = astral_thresholds(TEXT)
    for cp in range(len(TEXT) + 1):
        assert cp + sum(1 for t in thresholds if t <= cp) == offsets.cp_to_u16(cp)


@pytest.mark.django_db(transaction=True)
def test_a_read_racing_a_change_stores_a_text_that_is_never_served(world: World) -> None:
    """A reader whose snapshot predates a committed change renders the old event and stores
    it (with the old stamp); the next read renders the event anew."""
    assignment = _scene(world, 2)
    event = _first(assignment)
    params = {
        "a": assignment.pk,
        "after": 0,
        "limit": None,
        "astral": astral_thresholds(TEXT),
    }
    db = connection.settings_dict
    where = {"dbname": db["NAME"], "user": db["USER"], "host": db["HOST"], "port": db["PORT"]}
    where["password"] = db.get("PASSWORD")
    with psycopg.connect(**{k: v for k, v in where.items() if v}) as reader:
        reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        reader.execute("SELECT 1 FROM coding_codedevent LIMIT 1")  # the snapshot is taken
        CodedEvent.objects.filter(pk=event.pk).update(memo="committed meanwhile")
        row = reader.execute(_page_sql(False), params).fetchone()
        assert row is not None
        assert "committed meanwhile" not in row[0]  # it read its snapshot
        reader.execute("COMMIT")
    stored = EventRendering.objects.get(event_id=event.pk)
    assert stored.stamp < CodedEvent.objects.get(pk=event.pk).render_stamp
    events, rendered = _read(assignment)
    assert rendered == 1
    assert dict(events[0])["memo"] == "committed meanwhile"
    assert events == _live(assignment)


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_readers(world: World) -> None:
    """Two coders' worth of writes on one assignment (its coder through the services, an
    administrator by SQL) while three readers read it again and again: afterwards the read
    equals the live rendering and no servable stored text differs from a fresh one."""
    assignment = _scene(world, 6)
    events = list(CodedEvent.objects.filter(assignment=assignment).order_by("id"))
    stop = threading.Event()
    failures: list[str] = []

    def writer() -> None:
        try:
            for round_ in range(15):
                for event in events[:3]:
                    current = CodedEvent.objects.get(pk=event.pk)
                    event_update(
                        event=current,
                        actor=world.coder_a,
                        expected_version=current.version,
                        data=EventInput(
                            event_type="ATTACK",
                            values={"fatalities": round_},
                            memo=f"round {round_}",
                            spans=[_span(NEEDLES[round_ % len(NEEDLES)])],
                        ),
                    )
        except Exception as exc:  # reported below
            failures.append(repr(exc))
        finally:
            connection.close()

    def admin() -> None:
        try:
            for round_ in range(30):
                CodedEvent.objects.filter(pk=events[3 + round_ % 3].pk).update(memo=f"a{round_}")
        except Exception as exc:
            failures.append(repr(exc))
        finally:
            connection.close()

    def reader() -> None:
        try:
            while not stop.is_set():
                _read(Assignment.objects.select_related("article").get(pk=assignment.pk))
        except Exception as exc:
            failures.append(repr(exc))
        finally:
            connection.close()

    readers = [threading.Thread(target=reader) for _ in range(3)]
    writers = [threading.Thread(target=writer), threading.Thread(target=admin)]
    for thread in readers + writers:
        thread.start()
    for thread in writers:
        thread.join(timeout=120)
    stop.set()
    for thread in readers:
        thread.join(timeout=60)
    assert failures == []
    assert [dict(e)["memo"] for e in _read(assignment)[0]][:3] == ["round 14"] * 3
    _assert_fresh(assignment)


@pytest.mark.django_db(transaction=True)
def test_inserted_spans_move_the_stamp_unless_their_event_is_new_and_unrendered(
    world: World,
) -> None:
    """Inserting spans leaves the stamp alone only for an event inserted by the same
    transaction that no read has rendered in it (no other transaction can have seen it)."""
    assignment = _scene(world, 1)
    old = _first(assignment)
    _read(assignment)  # its rendering is stored (committed)
    with transaction.atomic():  # an event of an earlier transaction: its stamp moves
        EvidenceSpan.objects.create(event=old, **dataclasses.asdict(_span(NEEDLES[5], "place")))
    assert CodedEvent.objects.get(pk=old.pk).render_stamp == old.render_stamp + 1
    new = _create(world, assignment, 1)  # event and spans in one transaction, one statement
    assert CodedEvent.objects.get(pk=new.pk).render_stamp == 0
    _assert_fresh(assignment)
    with transaction.atomic():  # new in this transaction, but rendered in it before its spans
        third = CodedEvent.objects.get(pk=new.pk)
        third.pk = None
        third._state.adding = True
        third.save()
        _read(assignment)
        assert EventRendering.objects.filter(event_id=third.pk).exists()
        EvidenceSpan.objects.create(event=third, **dataclasses.asdict(_span(NEEDLES[6])))
        assert CodedEvent.objects.get(pk=third.pk).render_stamp == 1
    events, rendered = _read(assignment)
    assert rendered == 1  # the third event, its stored text stale
    assert events == _live(assignment)
    _assert_fresh(assignment)
