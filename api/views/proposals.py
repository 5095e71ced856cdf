"""The supervisors' review list of names coders proposed for the dictionaries."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.pagination import DefaultPagination
from api.serializers.workflow import error_responses
from coding import access
from coding.models import Actor, Location, ProposalLink
from coding.proposal_selectors import PROPOSAL_STATUSES, proposed_names, with_candidates
from coding.services.proposals import NewEntry, proposed_name_resolve


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    matched_alias = serializers.CharField()
    rank = serializers.IntegerField(help_text="0 exact alias, 1 prefix, 2 substring")


class LinkedEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProposedNameSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["actor", "location"])
    name = serializers.CharField(help_text="The most frequent spelling")
    spellings = serializers.ListField(child=serializers.CharField())
    events = serializers.IntegerField(help_text="Events that use the name")
    open_events = serializers.IntegerField(
        help_text="Of those, events still open (not submitted / not validated)"
    )
    fields = serializers.ListField(child=serializers.CharField())
    candidates = CandidateSerializer(many=True)
    linked_entry = LinkedEntrySerializer(
        allow_null=True,
        help_text="The entry the name was resolved into (exports show it), or null if open",
    )


class ProposedNameQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=list(PROPOSAL_STATUSES),
        default="open",
        help_text="open: never resolved (the review list); linked: resolved; all",
    )


class ProposedNamePagination(DefaultPagination):
    page_size = 20


@extend_schema(tags=["dictionaries"])
@extend_schema_view(
    get=extend_schema(
        parameters=[ProposedNameQuerySerializer],
        responses={
            200: ProposedNameSerializer(many=True),
            **error_responses(400, 401, 403, 404),
        },
    )
)
class ProposedNameListView(generics.ListAPIView):
    """Actor and place names coders typed because the dictionary had no entry, grouped by
    spelling (folded), most used first, each with the entries it resembles; paginated
    (``page``, ``page_size``, 20 by default). ``status=linked`` lists names already resolved
    (frozen events still carry them; exports show the entry). Supervisors and admins of the
    project only. Read-only."""

    serializer_class = ProposedNameSerializer
    pagination_class = ProposedNamePagination
    queryset = ProposalLink.objects.none()  # for the schema; `list` reads the events

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        project, _ = access.access_project(
            request.user,  # type: ignore[arg-type]
            self.kwargs["project_id"],
            roles=access.MANAGERS,
        )
        query = ProposedNameQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        page = self.paginate_queryset(
            proposed_names(project, status=query.validated_data["status"])  # type: ignore[arg-type]
        )
        proposals = with_candidates(page or [])
        ids: dict[str, set[int]] = {"actor": set(), "location": set()}
        for proposal in proposals:
            ids[proposal.kind].update(hit.entry_id for hit in proposal.candidates)
            if proposal.linked_entry_id is not None:
                ids[proposal.kind].add(proposal.linked_entry_id)
        names = {
            "actor": dict(Actor.objects.filter(pk__in=ids["actor"]).values_list("pk", "name")),
            "location": dict(
                Location.objects.filter(pk__in=ids["location"]).values_list("pk", "name")
            ),
        }

        def row(proposal: Any) -> dict[str, Any]:
            linked = proposal.linked_entry_id
            return {
                "kind": proposal.kind,
                "name": proposal.name,
                "spellings": list(proposal.spellings),
                "events": proposal.events,
                "open_events": proposal.open_events,
                "fields": list(proposal.fields),
                "candidates": [
                    {
                        "id": hit.entry_id,
                        "name": names[proposal.kind].get(hit.entry_id, ""),
                        "matched_alias": hit.matched_alias,
                        "rank": hit.rank,
                    }
                    for hit in proposal.candidates
                ],
                "linked_entry": None
                if linked is None
                else {"id": linked, "name": names[proposal.kind].get(linked, "")},
            }

        return self.get_paginated_response([row(p) for p in proposals])


class NewEntrySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=300)
    country = serializers.CharField(max_length=2, required=False, default="", allow_blank=True)
    actor_type = serializers.IntegerField(required=False, allow_null=True, default=None)
    latitude = serializers.FloatField(required=False, allow_null=True, default=None)
    longitude = serializers.FloatField(required=False, allow_null=True, default=None)
    feature_kind = serializers.CharField(
        max_length=40, required=False, default="", allow_blank=True
    )


class ResolveSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["actor", "location"])
    name = serializers.CharField(max_length=300, help_text="Any spelling of the proposal")
    entry_id = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Merge into this entry"
    )
    new_entry = NewEntrySerializer(required=False, allow_null=True, default=None)


class ResolutionSerializer(serializers.Serializer):
    kind = serializers.CharField()
    entry_id = serializers.IntegerField()
    created = serializers.BooleanField()
    aliases_added = serializers.IntegerField()
    events_rewritten = serializers.IntegerField(help_text="Open events now pointing at the entry")
    frozen_events = serializers.IntegerField(
        help_text="Submitted or validated events left with the typed name"
    )


@extend_schema(tags=["dictionaries"])
class ProposedNameResolveView(APIView):
    """Turn a proposed name into a dictionary entry: merge it into ``entry_id`` (its
    spellings become aliases) or create ``new_entry``; the project's open events that carry
    it then point at the entry. Submitted coder events and validated gold keep the name."""

    @extend_schema(
        request=ResolveSerializer,
        responses={
            200: ResolutionSerializer,
            **error_responses(
                400,
                401,
                403,
                404,
                415,
                422,
                e404="No such project, entry, or no event of the project proposes the name",
                e422="Invalid body: both or neither of entry_id and new_entry, bad fields",
            ),
        },
    )
    def post(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(
            request.user,  # type: ignore[arg-type]
            project_id,
            roles=access.MANAGERS,
        )
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        new = data["new_entry"]
        result = proposed_name_resolve(
            project=project,
            kind=data["kind"],
            name=data["name"],
            actor=request.user,  # type: ignore[arg-type]
            entry_id=data["entry_id"],
            new_entry=NewEntry(**new) if new is not None else None,
        )
        return Response(asdict(result))
