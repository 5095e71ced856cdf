"""Domain errors become HTTP errors here, in one place.

Services raise coding.errors.* (they never see a request); this handler maps each to a status
code and a stable JSON body: {"code": ..., "detail": ..., "errors": [...]}.
"""

from typing import Any

from rest_framework import status
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


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, errors.DomainError):
        for error_class, http_status in _STATUS_BY_ERROR:
            if isinstance(exc, error_class):
                return Response(exc.as_dict(), status=http_status)
        return Response(exc.as_dict(), status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
