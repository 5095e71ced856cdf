"""Domain errors become HTTP errors here, in one place.

Services raise coding.errors.* (they never see a request); this handler maps each to a status
code and a stable JSON body: {"code": ..., "detail": ..., "errors": [...]}.
"""

from typing import Any

from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from coding import errors

_STATUS_BY_ERROR: list[tuple[type[errors.DomainError], int]] = [
    (errors.NotFound, status.HTTP_404_NOT_FOUND),
    (errors.PermissionDenied, status.HTTP_403_FORBIDDEN),
    (errors.StaleVersion, status.HTTP_412_PRECONDITION_FAILED),
    (errors.Conflict, status.HTTP_409_CONFLICT),
    (errors.ValidationFailed, status.HTTP_422_UNPROCESSABLE_ENTITY),
]


def _join(path: str, key: object) -> str:
    if isinstance(key, int):  # DRF keys list-item errors by index
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _flatten(detail: Any, path: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail as a flat list of {field, code, message}."""
    if isinstance(detail, dict):
        return [e for key, value in detail.items() for e in _flatten(value, _join(path, key))]
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [
                {
                    "field": path or "non_field_errors",
                    "code": getattr(item, "code", "invalid"),
                    "message": str(item),
                }
                for item in detail
            ]
        return [e for index, item in enumerate(detail) for e in _flatten(item, f"{path}[{index}]")]
    return [
        {
            "field": path or "non_field_errors",
            "code": getattr(detail, "code", "invalid"),
            "message": str(detail),
        }
    ]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ValidationError):
        # Input that parses but does not validate: the same 422 shape as domain errors.
        body = {
            "code": "invalid",
            "detail": "the request is not valid",
            "errors": _flatten(exc.detail),
        }
        return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
    if isinstance(exc, errors.DomainError):
        for error_class, http_status in _STATUS_BY_ERROR:
            if isinstance(exc, error_class):
                return Response(exc.as_dict(), status=http_status)
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
