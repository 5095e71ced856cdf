"""User accounts created through the API."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction

from coding.errors import ValidationFailed
from coding.models import User
from coding.services.audit import audit_record


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    display_name: str = "",
    email: str = "",
    is_active: bool = True,
    ui_language: str = "",
    actor: User | None = None,
) -> User:
    """Create an account whose password passes AUTH_PASSWORD_VALIDATORS; a refused password
    is ValidationFailed (field `password`, one error per failed rule) and creates nothing."""
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        is_active=is_active,
        ui_language=ui_language,
    )
    try:
        # Checked against the new account's own attributes (the similarity rule needs them).
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            "the password is too weak",
            code="invalid",
            errors=[
                {"field": "password", "code": error.code or "invalid", "message": message}
                for error in exc.error_list
                for message in error.messages
            ],
        ) from exc
    user.set_password(password)
    user.save()
    audit_record(action="user.create", actor=actor, project=None, target=user)
    return user
