"""Dictionary search (Arabic-normalized) and text suggestions for an assignment's article."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.workflow import error_responses
from coding import access
from coding.dictionary_search import SearchHit, alias_matcher, dictionary_search
from coding.errors import ValidationFailed
from coding.models import Actor, Location
from coding.text.offsets import OffsetMap
from coding.text.suggest import suggest

QUERY = [
    OpenApiParameter("q", str, required=True, description="Any spelling, any script"),
    OpenApiParameter("limit", int, description="At most this many entries (1–100)"),
]


def _ids(request: Request) -> list[int] | None:
    """`?ids=3,17`: look entries up by id (to name a saved reference) instead of searching."""
    raw = request.query_params.get("ids")
    if raw is None:
        return None
    parts = [p for p in raw.split(",") if p]
    if not parts or len(parts) > 200 or not all(_is_digits(p) for p in parts):
        raise ValidationFailed(
            "ids must be 1–200 comma-separated integers",
            errors=[{"field": "ids", "code": "invalid", "message": raw[:100]}],
        )
    return [int(p) for p in parts]


def _is_digits(raw: str) -> bool:
    """ASCII digits only: int() refuses "²", which str.isdigit() accepts."""
    return raw.isascii() and raw.isdigit()


def _limit(request: Request) -> int:
    raw = request.query_params.get("limit", "20")
    if not _is_digits(raw) or not 1 <= int(raw) <= 100:
        raise ValidationFailed(
            "limit must be 1–100",
            errors=[{"field": "limit", "code": "invalid", "message": "an integer from 1 to 100"}],
        )
    return int(raw)


class ActorHit(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    matched_alias = serializers.CharField()
    actor_type = serializers.IntegerField(allow_null=True)
    country = serializers.CharField()
    parent = serializers.IntegerField(allow_null=True)


class LocationHit(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    matched_alias = serializers.CharField()
    country = serializers.CharField()
    admin1 = serializers.CharField()
    admin2 = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    feature_kind = serializers.CharField()


@extend_schema(tags=["dictionaries"])
class ActorSearchView(APIView):
    @extend_schema(
        parameters=QUERY,
        responses={
            200: inline_serializer("ActorSearch", {"results": ActorHit(many=True)}),
            **error_responses(401, 422),
        },
    )
    def get(self, request: Request) -> Response:
        ids = _ids(request)
        if ids is not None:
            hits = [SearchHit(a.pk, a.name, 0) for a in Actor.objects.filter(pk__in=ids)]
        else:
            hits = dictionary_search(
                "actor", request.query_params.get("q", ""), limit=_limit(request)
            )
        actors = Actor.objects.in_bulk([h.entry_id for h in hits])
        return Response(
            {
                "results": [
                    {
                        "id": h.entry_id,
                        "name": actors[h.entry_id].name,
                        "matched_alias": h.matched_alias,
                        "actor_type": actors[h.entry_id].actor_type,
                        "country": actors[h.entry_id].country,
                        "parent": actors[h.entry_id].parent_id,
                    }
                    for h in hits
                ]
            }
        )


@extend_schema(tags=["dictionaries"])
class LocationSearchView(APIView):
    @extend_schema(
        parameters=QUERY,
        responses={
            200: inline_serializer("LocationSearch", {"results": LocationHit(many=True)}),
            **error_responses(401, 422),
        },
    )
    def get(self, request: Request) -> Response:
        ids = _ids(request)
        if ids is not None:
            hits = [SearchHit(p.pk, p.name, 0) for p in Location.objects.filter(pk__in=ids)]
        else:
            hits = dictionary_search(
                "location", request.query_params.get("q", ""), limit=_limit(request)
            )
        places = Location.objects.in_bulk([h.entry_id for h in hits])
        return Response({"results": [_place(places[h.entry_id], h.matched_alias) for h in hits]})


def _place(place: Location, alias: str) -> dict[str, Any]:
    return {
        "id": place.pk,
        "name": place.name,
        "matched_alias": alias,
        "country": place.country,
        "admin1": place.admin1,
        "admin2": place.admin2,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "feature_kind": place.feature_kind,
    }


class SuggestionHit(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    alias = serializers.CharField()
    start = serializers.IntegerField(help_text="Code points")
    end = serializers.IntegerField(help_text="Code points")
    start_u16 = serializers.IntegerField()
    end_u16 = serializers.IntegerField()
    confidence = serializers.FloatField(
        help_text="0..1; the list is ranked by it (then by position). Below 0.5: offered, "
        "but probably not what the coder codes (a place inside an agreement's name)"
    )


class DateHit(serializers.Serializer):
    text = serializers.CharField()
    start = serializers.IntegerField(help_text="Code points")
    end = serializers.IntegerField(help_text="Code points")
    start_u16 = serializers.IntegerField()
    end_u16 = serializers.IntegerField()
    date_start = serializers.DateField()
    date_end = serializers.DateField()
    precision = serializers.ChoiceField(choices=["day", "week", "month", "year"])
    relative = serializers.BooleanField()


@extend_schema(tags=["dictionaries"])
class SuggestionsView(APIView):
    """Proposals for the coder to confirm: dictionary actors and places named in the text (each
    list ranked by confidence) and date expressions (relative ones resolved against the
    publication date). Never saved."""

    @extend_schema(
        parameters=[
            OpenApiParameter("start", int, description="Region start (code points)"),
            OpenApiParameter("end", int, description="Region end (code points)"),
        ],
        responses={
            200: inline_serializer(
                "Suggestions",
                {
                    "actors": SuggestionHit(many=True),
                    "locations": SuggestionHit(many=True),
                    "dates": DateHit(many=True),
                },
            ),
            **error_responses(401, 404, 422, e404="No such assignment, or not yours (coders)"),
        },
    )
    def get(self, request: Request, assignment_id: int) -> Response:
        assignment = access.access_assignment(request.user, assignment_id)  # type: ignore[arg-type]
        article = assignment.article
        start, end = self._region(request, article.len_cp)
        anchor = article.published_at.date() if article.published_at else None
        found = suggest(article.text, alias_matcher(), anchor=anchor, start=start, end=end)
        offsets = OffsetMap(article.text)
        names = {
            "actor": dict(
                Actor.objects.filter(pk__in={m.entry_id for m in found.actors}).values_list(
                    "pk", "name"
                )
            ),
            "location": dict(
                Location.objects.filter(pk__in={m.entry_id for m in found.locations}).values_list(
                    "pk", "name"
                )
            ),
        }

        def hit(match: Any) -> dict[str, Any]:
            return {
                "id": match.entry_id,
                "name": names[match.kind].get(match.entry_id, ""),
                "alias": match.alias,
                "start": match.start,
                "end": match.end,
                "start_u16": offsets.cp_to_u16(match.start),
                "end_u16": offsets.cp_to_u16(match.end),
                "confidence": match.confidence,
            }

        def ranked(matches: list[Any]) -> list[dict[str, Any]]:
            return [hit(m) for m in sorted(matches, key=lambda m: (-m.confidence, m.start))]

        return Response(
            {
                "actors": ranked(found.actors),
                "locations": ranked(found.locations),
                "dates": [
                    {
                        "text": d.text,
                        "start": d.start,
                        "end": d.end,
                        "start_u16": offsets.cp_to_u16(d.start),
                        "end_u16": offsets.cp_to_u16(d.end),
                        "date_start": d.date_start.isoformat(),
                        "date_end": d.date_end.isoformat(),
                        "precision": d.precision,
                        "relative": d.relative,
                    }
                    for d in found.dates
                ],
            }
        )

    @staticmethod
    def _region(request: Request, length: int) -> tuple[int | None, int | None]:
        values = []
        for name in ("start", "end"):
            raw = request.query_params.get(name)
            if raw is None:
                values.append(None)
            elif _is_digits(raw) and int(raw) <= length:
                values.append(int(raw))
            else:
                raise ValidationFailed(
                    f"{name} must be an offset from 0 to {length}",
                    errors=[{"field": name, "code": "out_of_range", "message": f"0..{length}"}],
                )
        if values[0] is not None and values[1] is not None and values[0] > values[1]:
            raise ValidationFailed(
                "start must not be after end",
                errors=[{"field": "start", "code": "out_of_range", "message": "start > end"}],
            )
        return values[0], values[1]
