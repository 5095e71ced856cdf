"""Who the client is, and the rate throttles of the credential endpoints.

The client address is DRF's reading of the request with `NUM_PROXIES` set from
TRUSTED_PROXY_COUNT: the socket address when no proxy is trusted, else the address the
outermost trusted proxy appended to X-Forwarded-For. django-axes (the login lockout) uses the
same function, so the throttles and the lockout always agree on who is guessing.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from coding.models import User

logger = logging.getLogger(__name__)


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the throttles and the lockout see it (TRUSTED_PROXY_COUNT)."""
    return BaseThrottle().get_ident(request)


def lockout_username(request: Any, credentials: Mapping[str, Any] | None) -> str | None:
    """The account name django-axes counts failures under (AXES_USERNAME_CALLABLE): the one
    given, cut to the longest an account can have. django-axes stores it in a 255-character
    column; a longer name used to fail that insert and answer 500. No account has a longer
    name, so the cut name locks out nobody real."""
    if credentials:
        username = credentials.get("username")
    else:
        data = getattr(request, "data", None)
        username = (data if isinstance(data, Mapping) else request.POST).get("username")
    if not isinstance(username, str):
        return None
    return username[: User.username.field.max_length]


class _CredentialThrottle(SimpleRateThrottle):
    """Counts every request to a credential endpoint, signed in or not.

    The count lives in the shared cache. When that store cannot be reached the request is let
    through with a warning: refusing every login because Redis is down would lock everyone
    out, and the per-account lockout (django-axes, in PostgreSQL) still limits guessing.
    """

    def allow_request(self, request: Any, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except RedisError as exc:
            logger.warning(
                "Login throttle %r skipped: the cache is unreachable (%s); the lockout in "
                "PostgreSQL still applies.",
                self.scope,
                exc,
            )
            return True


class LoginRateThrottle(_CredentialThrottle):
    """LOGIN_THROTTLE_RATE per client address."""

    scope = "login"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginAccountRateThrottle(_CredentialThrottle):
    """LOGIN_ACCOUNT_THROTTLE_RATE per account named in the request, from any address."""

    scope = "login_account"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return account_throttle_key(_username(request))


def account_throttle_key(username: str | None) -> str | None:
    """The cache key counting attempts on one account (None: the request names no account)."""
    if not username:
        return None
    # Hashed: a username may hold characters a cache key cannot.
    digest = hashlib.sha256(username.encode("utf-8", "surrogatepass")).hexdigest()
    return SimpleRateThrottle.cache_format % {"scope": "login_account", "ident": digest}


def _username(request: Any) -> str | None:
    data = request.data
    if not isinstance(data, Mapping):
        return None
    username = data.get("username")
    return username if isinstance(username, str) else None
