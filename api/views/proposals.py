"""The supervisors' review list of names coders proposed for the dictionaries."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.workflow import error_responses
from coding import access
from coding.models import Actor, Location
from coding.proposal_selectors import proposed_names


class CandidateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    matched_alias = serializers.CharField()
    rank = serializers.IntegerField(help_text="0 exact alias, 1 prefix, 2 substring")


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


@extend_schema(tags=["dictionaries"])
class ProposedNameListView(APIView):
    """Actor and place names coders typed because the dictionary had no entry, grouped by
    spelling (folded), most used first, each with the entries it resembles. Supervisors and
    admins of the project only. Read-only."""

    @extend_schema(
        responses={
            200: ProposedNameSerializer(many=True),
            **error_responses(401, 403, 404),
        }
    )
    def get(self, request: Request, project_id: int) -> Response:
        project, _ = access.access_project(
            request.user,  # type: ignore[arg-type]
            project_id,
            roles=access.MANAGERS,
        )
        proposals = proposed_names(project)
        ids: dict[str, set[int]] = {"actor": set(), "location": set()}
        for proposal in proposals:
            ids[proposal.kind].update(hit.entry_id for hit in proposal.candidates)
        names = {
            "actor": dict(Actor.objects.filter(pk__in=ids["actor"]).values_list("pk", "name")),
            "location": dict(
                Location.objects.filter(pk__in=ids["location"]).values_list("pk", "name")
            ),
        }

        def row(proposal: Any) -> dict[str, Any]:
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
            }

        return Response([row(p) for p in proposals])
