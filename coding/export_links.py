"""The export reader's view of resolved proposals: a gold row whose values still carry a
proposed name that a supervisor resolved (frozen gold keeps the typed name) is read as if it
referred to the entry, its place column included (see coding/exporting/proposal_links.py)."""

from __future__ import annotations

from typing import Any

from coding.codebook_spec import CodebookSpec
from coding.codebook_spec.model import REFERENCE_KINDS
from coding.export_queries import EVENT_COLUMNS
from coding.exporting.proposal_links import Links, relink_values
from coding.models import Project, ProposalLink
from coding.text.matching import alias_key

VALUES = EVENT_COLUMNS.index("values")
LOCATION_ID = EVENT_COLUMNS.index("location_id")


def project_links(project: Project) -> dict[tuple[str, str], int]:
    """The project's resolved proposals: ``(kind, folded name) -> entry id``."""
    return {
        (kind, key): int(actor_id or location_id)
        for kind, key, actor_id, location_id in ProposalLink.objects.filter(
            project=project
        ).values_list("kind", "key", "actor_id", "location_id")
    }


class RowRelinker:
    """Rewrites gold rows through the project's links; falsy when the project has none, so
    the reader skips it at no cost."""

    def __init__(self, project: Project, spec: CodebookSpec) -> None:
        self.links: Links = project_links(project)
        self.fields = {f.key: f.kind for f in spec.fields if f.kind in REFERENCE_KINDS}
        self.place_key = next((f.key for f in spec.fields if f.typed_column == "location"), None)

    def __bool__(self) -> bool:
        return bool(self.links)

    def rows(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        return [self._row(row) for row in rows]

    def _row(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        values = row[VALUES]
        relinked = relink_values(values, self.fields, self.links, alias_key)
        if relinked is values:
            return row
        new = list(row)
        new[VALUES] = relinked
        if new[LOCATION_ID] is None and self.place_key is not None:
            place = relinked.get(self.place_key)
            if isinstance(place, dict) and place.get("id") is not None:
                new[LOCATION_ID] = int(place["id"])
        return tuple(new)
