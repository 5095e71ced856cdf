from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "coding"
    verbose_name = "Athar coding domain"
    default_auto_field = "django.db.models.BigAutoField"
