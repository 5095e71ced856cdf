"""Active-time reports riding on the screens' own write requests.

The coding screen's autosave (event POST/PUT/DELETE, submit) and the review screen's writes
(decisions, validation) may carry the header ``Athar-Time: {"tab": "...", "intervals":
[[start, end], ...]}`` (seconds relative to sending; coding.throughput.intervals). The view
records it, through coding.services.time_on_task, in the same transaction as its own write:
if the write is refused the time is not kept either (the screen sends it again with the next
request), and a report that is not believable refuses the whole request (422,
``time_report_refused``) before anything is written. No header, nothing happens.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from coding.errors import ValidationFailed
from coding.services.time_on_task import TimeReportResult, TimeTarget, time_report_record

HEADER = "Athar-Time"
MAX_HEADER_BYTES = 16_000

TIME_HEADER = OpenApiParameter(
    HEADER,
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description='Active time since this tab\'s last report, as JSON: {"tab": "<8 to 64 '
    'letters, digits, - or _>", "intervals": [[start, end], ...]} in seconds relative to '
    "sending (start < end <= 0, in order). Recorded with the write; 422 "
    "time_report_refused (nothing written) if not believable.",
)


def _refused(message: str) -> ValidationFailed:
    return ValidationFailed(
        f"time report refused: {message}",
        code="time_report_refused",
        errors=[{"field": HEADER, "code": "invalid", "message": message}],
    )


def header_report(request: Request) -> dict[str, Any] | None:
    """The request's time report (None without the header); malformed ones refused."""
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    if len(raw) > MAX_HEADER_BYTES:
        raise _refused(f"the header is longer than {MAX_HEADER_BYTES} bytes")
    try:
        report = json.loads(raw)
    except ValueError:
        raise _refused("the header is not JSON") from None
    if not isinstance(report, dict) or set(report) != {"tab", "intervals"}:
        raise _refused('the header must be an object with exactly "tab" and "intervals"')
    return report


def record_header_time(
    request: Request, target: Callable[[], TimeTarget]
) -> TimeReportResult | None:
    """Record the header's report for the task ``target()`` names (called only when there is
    a report). Precondition: inside the transaction of the view's write, after its access
    check."""
    report = header_report(request)
    if report is None:
        return None
    return time_report_record(target=target(), tab=report["tab"], intervals=report["intervals"])
