"""Helpers for tests that check a second access path answers exactly like `access_assignment`
(same object, or the same refusal with the same message) for every kind of user."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from coding.errors import NotFound, PermissionDenied
from coding.models import User
from tests.factories import UserFactory


def access_answer(call: Callable[[], Any]) -> Any:
    """("ok", pk) of what `call` returned, or the refusal's class name and message."""
    try:
        with transaction.atomic():
            result = call()
    except (NotFound, PermissionDenied) as exc:
        return type(exc).__name__, str(exc)
    return "ok", result.pk


def every_kind_of_user(world: Any) -> list[User]:
    """The assigned coder, the other coder, every other role, an outsider and a superuser."""
    return [
        world.coder_a,
        world.coder_b,
        world.supervisor,
        world.admin,
        world.researcher,
        world.outsider,
        UserFactory(is_superuser=True),
    ]
