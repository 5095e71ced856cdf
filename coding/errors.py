"""Domain errors raised by services and access helpers.

They carry a machine-readable `code`, a human `detail`, and optionally a list of per-field
errors `{"field", "code", "message"}`. api.exceptions maps them to HTTP statuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class DomainError(Exception):
    code = "error"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        errors: Sequence[dict[str, Any]] = (),
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        if code is not None:
            self.code = code
        self.errors = list(errors)
        self.extra = extra or {}

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "detail": self.detail}
        if self.errors:
            body["errors"] = self.errors
        body.update(self.extra)
        return body


class NotFound(DomainError):
    """The object does not exist *for this user* (also used to hide others' objects)."""

    code = "not_found"


class PermissionDenied(DomainError):
    code = "permission_denied"


class Conflict(DomainError):
    """The request is valid but the object's state does not allow it (HTTP 409)."""

    code = "conflict"


class StaleVersion(DomainError):
    """The client's version is not the current one; nothing was changed (HTTP 412)."""

    code = "stale_version"


class ValidationFailed(DomainError):
    """Input is well-formed but breaks a domain rule (HTTP 422)."""

    code = "invalid"


def counted(n: int, noun: str) -> str:
    """``"1 problem"``, ``"9 problems"``: a count in an (English) error message, never
    ``"9 problem(s)"``. For nouns whose plural adds an s."""
    return f"{n} {noun}{'' if n == 1 else 's'}"
