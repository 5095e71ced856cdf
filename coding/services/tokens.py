"""API tokens: issued at sign-in, listed and revoked by their owner, optionally expiring.

A user holds at most one token (DRF's `authtoken` model: the user is its key's owner, one
to one). Changing a user's password or deactivating them deletes their token in PostgreSQL
(trigger in migration 0009_auth_revoke_tokens), whatever made the change: a service, the
admin or a shell.

A token is named outside its owner's session by its first characters (`token_id`), never by
the whole key: the key is a password.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from coding.errors import NotFound
from coding.models import User
from coding.services.audit import audit_record

TOKEN_ID_LENGTH = 8


def token_ttl() -> dt.timedelta | None:
    """How long a token is accepted after it was issued (API_TOKEN_TTL_DAYS; None: forever)."""
    days = settings.API_TOKEN_TTL_DAYS
    return dt.timedelta(days=days) if days else None


def token_expires_at(token: Token) -> dt.datetime | None:
    ttl = token_ttl()
    return token.created + ttl if ttl else None


def token_is_expired(token: Token, *, now: dt.datetime | None = None) -> bool:
    expires = token_expires_at(token)
    return expires is not None and expires <= (now or timezone.now())


def token_id(token: Token) -> str:
    return token.key[:TOKEN_ID_LENGTH]


@transaction.atomic
def token_issue(*, user: User) -> Token:
    """The user's token, new if they had none or theirs has expired."""
    ttl = token_ttl()
    if ttl is not None:
        Token.objects.filter(user=user, created__lte=timezone.now() - ttl).delete()
    token, _created = Token.objects.get_or_create(user=user)
    return token


def user_tokens(user: User) -> list[Token]:
    """The tokens `user` holds (zero or one), expired ones included."""
    return list(Token.objects.filter(user=user).order_by("created"))


@transaction.atomic
def token_revoke(*, user: User, token_id: str) -> None:
    """Delete one of `user`'s own tokens. Another user's token is NotFound, as a missing one."""
    if len(token_id) != TOKEN_ID_LENGTH:
        raise NotFound("no such token")
    deleted, _ = Token.objects.filter(user=user, key__startswith=token_id).delete()
    if not deleted:
        raise NotFound("no such token")
    audit_record(
        action="token.revoke", actor=user, project=None, target=user, data={"token": token_id}
    )
