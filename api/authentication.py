"""Token authentication in one hand-written query.

DRF's TokenAuthentication reads the token with `select_related("user")`; on a small write
request the ORM spent more CPU compiling that query than anything else in the request
(about 0.9 ms of 3 ms). This subclass runs the same join as plain SQL and builds the same
objects: the same answers, the same errors, the same `(user, token)` pair.

One addition, checked on the row that query returns (no second query): with
API_TOKEN_TTL_DAYS set, a token issued longer ago than that is refused ("Token has expired.").
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _
from drf_spectacular.drainage import set_override
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from coding.models import User
from coding.prepared import prepared_cursor
from coding.services.tokens import token_is_expired

_TOKEN_FIELDS = [f.attname for f in Token._meta.concrete_fields]
_USER_FIELDS = [f.attname for f in User._meta.concrete_fields]
# Table and column names come from the models; the key is a parameter.
_SQL = (
    "SELECT "  # noqa: S608
    + ", ".join(
        [f"t.{f.column}" for f in Token._meta.concrete_fields]
        + [f"u.{f.column}" for f in User._meta.concrete_fields]
    )
    + f" FROM {Token._meta.db_table} t JOIN {User._meta.db_table} u ON u.id = t.user_id"
    + " WHERE t.key = %s"
)


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        with prepared_cursor() as cursor:
            cursor.execute(_SQL, [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        n = len(_TOKEN_FIELDS)
        token = Token.from_db(connection.alias, _TOKEN_FIELDS, row[:n])
        user = User.from_db(connection.alias, _USER_FIELDS, row[n:])
        token.user = user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token_is_expired(token):
            raise exceptions.AuthenticationFailed(_("Token has expired."))
        return (user, token)


# In the OpenAPI schema this is DRF's token scheme ("tokenAuth", drf-spectacular's extension
# for TokenAuthentication and its subclasses): the same header, the same answers. Tell
# drf-spectacular that the two classes describing one component is intended.
set_override(TokenAuthentication, "suppress_collision_warning", True)
