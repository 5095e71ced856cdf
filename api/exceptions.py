"""Domain errors become HTTP errors here, in one place.

Services raise coding.errors.* (they never see a request); this handler maps each to a status
code and a stable JSON body: {"code": ..., "detail": ..., "errors": [...]}.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from rest_framework import exceptions as drf_errors
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from api.parsers import PayloadTooLarge
from coding import errors

_STATUS_BY_ERROR: list[tuple[type[errors.DomainError], int]] = [
    (errors.NotFound, status.HTTP_404_NOT_FOUND),
    (errors.PermissionDenied, status.HTTP_403_FORBIDDEN),
    (errors.StaleVersion, status.HTTP_412_PRECONDITION_FAILED),
    (errors.Conflict, status.HTTP_409_CONFLICT),
    (errors.ValidationFailed, status.HTTP_422_UNPROCESSABLE_ENTITY),
]


def error_body(code: str, detail: str) -> dict[str, Any]:
    """The documented error shape (as DomainError.as_dict gives it) for errors raised outside
    the domain (DRF, Django): `code` and `detail`; `errors` only when there are problems to
    list, and these errors have none."""
    return {"code": code, "detail": detail}


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
    if isinstance(exc, Http404):
        exc = drf_errors.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_errors.PermissionDenied(*exc.args)
    elif isinstance(exc, RequestDataTooBig):
        # Django's own body limits (DATA_UPLOAD_MAX_MEMORY_SIZE, the upload handler's
        # MAX_IMPORT_BYTES), met while DRF reads the body.
        exc = PayloadTooLarge(str(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, APIException) and isinstance(exc.detail, str):
        # DRF's own errors (400 parse, 401, 403, 405, 413, 415, 429) in the same shape:
        # `detail` as DRF words it, `code` from DRF's error code.
        response.data = error_body(str(exc.get_codes()), str(exc.detail))
    return response
