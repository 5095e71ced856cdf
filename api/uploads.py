"""Upload handlers that refuse a multipart body over `ATHAR["MAX_IMPORT_BYTES"]`.

Django spools an uploaded file to memory or to a temporary file before any view runs (and
the CSRF check of a session-authenticated POST reads the body too), so a limit checked in the
view would come after the disk and memory are spent. These handlers (FILE_UPLOAD_HANDLERS)
refuse up front when the declared Content-Length is over the limit, and count the bytes as
they arrive for a body whose length was not declared (chunked) or was declared wrongly.

The refusal is Django's RequestDataTooBig: the API answers it with 413 and the JSON error
shape (api/exceptions.py for DRF views, api/views/errors.py elsewhere).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import (
    FileUploadHandler,
    MemoryFileUploadHandler,
    TemporaryFileUploadHandler,
)


def _too_big(limit: int) -> RequestDataTooBig:
    return RequestDataTooBig(
        f"the upload is over the limit of {limit:,} bytes (ATHAR_MAX_IMPORT_BYTES)"
    )


class _BoundedUpload(FileUploadHandler):
    """Checks the declared length, then counts every file byte received in this request."""

    received = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],  # noqa: N803 (Django's parameter name)
        content_length: int,
        boundary: bytes,
        encoding: str | None = None,
    ) -> Any:
        limit = settings.ATHAR["MAX_IMPORT_BYTES"]
        if content_length and content_length > limit:
            raise _too_big(limit)
        return super().handle_raw_input(input_data, META, content_length, boundary, encoding)  # type: ignore[safe-super]

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        limit = settings.ATHAR["MAX_IMPORT_BYTES"]
        if self.received > limit:
            raise _too_big(limit)
        return super().receive_data_chunk(raw_data, start)  # type: ignore[safe-super]


class BoundedMemoryFileUploadHandler(_BoundedUpload, MemoryFileUploadHandler):
    """Django's in-memory handler (small files), bounded."""


class BoundedTemporaryFileUploadHandler(_BoundedUpload, TemporaryFileUploadHandler):
    """Django's temporary-file handler (large files), bounded."""
