from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from coding.errors import ValidationFailed


class DefaultPagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


def _is_order_key(position: str) -> bool:
    return position.isascii() and position.isdigit() and int(position) < 2**63


def _invalid(why: str) -> ValidationFailed:
    return ValidationFailed(
        "invalid cursor: follow the `next` or `previous` link of a queue page",
        errors=[{"field": "cursor", "code": "invalid", "message": why}],
    )


class QueueCursorPagination(CursorPagination):
    """Keyset pages in the adjudication queue's order (ReviewQueueEntry.order_key, unique):
    `next` / `previous` links carry an opaque cursor; a page costs the same however deep.
    The view sets `count` / `count_exact` (stored counts, not a scan) before rendering."""

    ordering = "order_key"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    count: int = 0
    count_exact: bool = True

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            cursor = super().decode_cursor(request)
        except NotFound as error:  # DRF answers 404 for a cursor it cannot read
            raise _invalid(str(error.detail)) from error
        position = None if cursor is None else cursor.position
        if position is not None and not _is_order_key(position):
            raise _invalid("its position is not an order key")
        return cursor

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "count_exact": self.count_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        answer = super().get_paginated_response_schema(schema)
        answer["required"] = ["count", "count_exact", "results"]
        answer["properties"] = {
            "count": {
                "type": "integer",
                "description": "Articles matching the filters",
            },
            "count_exact": {
                "type": "boolean",
                "description": "Always true: every count is stored (kept for older clients)",
            },
            **answer["properties"],
        }
        return answer
