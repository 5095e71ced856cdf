from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A person using Athar. Project roles live on Membership, not here."""

    display_name = models.CharField(max_length=150, blank=True)
    ui_language = models.CharField(
        max_length=8, blank=True, help_text="Preferred UI language (en, ar, fr); empty = browser."
    )

    def __str__(self) -> str:
        return self.display_name or self.username
