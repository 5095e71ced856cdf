"""Projects, their members, and the articles they code.

Article text is canonical (NFC, LF) and immutable once imported: every evidence offset is a
Unicode code-point offset into it. On PostgreSQL a trigger refuses any UPDATE of the text
(see migration 0002), so not even a raw query can shift stored offsets.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from .codebook import CodebookVersion


class Project(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    codebook_version = models.ForeignKey(
        CodebookVersion, on_delete=models.PROTECT, related_name="projects"
    )
    overlap = models.PositiveSmallIntegerField(default=2, help_text="Coders per article.")
    assignment_seed = models.BigIntegerField(default=0)
    settings = models.JSONField(
        default=dict,
        blank=True,
        help_text='Project options, e.g. {"auto_accept_unanimous": true, '
        '"csv_formula_guard": false}.',
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(overlap__gte=1), name="project_overlap_positive"),
            # The CSV formula guard default (coding.services.projects.csv_formula_guard).
            models.CheckConstraint(
                condition=~Q(settings__has_key="csv_formula_guard")
                | Q(settings__csv_formula_guard=True)
                | Q(settings__csv_formula_guard=False),
                name="project_csv_formula_guard_boolean",
            ),
            # The default fatalities rule of multi-report dataset events
            # (coding.dataset_event_records.fatalities_policy).
            models.CheckConstraint(
                condition=~Q(settings__has_key="fatalities_policy")
                | Q(settings__fatalities_policy="conservative")
                | Q(settings__fatalities_policy="low_best_high"),
                name="project_fatalities_policy_valid",
            ),
            # Seconds without input after which the screens stop counting active time
            # (coding.services.time_on_task.idle_seconds).
            models.CheckConstraint(
                condition=~Q(settings__has_key="idle_seconds")
                | Q(settings__idle_seconds__gte=5, settings__idle_seconds__lte=3600),
                name="project_idle_seconds_range",
            ),
        ]
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Membership(models.Model):
    class Role(models.TextChoices):
        CODER = "coder", "Coder"
        SUPERVISOR = "supervisor", "Supervisor"
        RESEARCHER = "researcher", "Researcher"
        ADMIN = "admin", "Admin"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    is_active = models.BooleanField(default=True, help_text="Inactive coders get no new work.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique_user"),
            models.CheckConstraint(
                condition=Q(role__in=["coder", "supervisor", "researcher", "admin"]),
                name="membership_role_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.project} as {self.role}"


class Article(models.Model):
    class Direction(models.TextChoices):
        RTL = "rtl"
        LTR = "ltr"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="articles")
    title = models.CharField(max_length=500)
    text = models.TextField(help_text="Canonical text (NFC, LF). Immutable.")
    text_sha256 = models.CharField(max_length=64)
    len_cp = models.PositiveIntegerField(help_text="Length in Unicode code points.")
    len_u16 = models.PositiveIntegerField(help_text="Length in UTF-16 code units (for browsers).")
    language = models.CharField(max_length=16, blank=True)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.LTR)
    paragraphs = models.JSONField(
        default=list, help_text="[[start, end, dir], ...] in code points, one per line."
    )
    source = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    external_id = models.CharField(max_length=200, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "text_sha256"], name="article_unique_text_per_project"
            ),
            models.CheckConstraint(condition=Q(len_cp__gt=0), name="article_text_not_empty"),
            models.CheckConstraint(
                condition=Q(len_u16__gte=models.F("len_cp")), name="article_u16_ge_cp"
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["rtl", "ltr"]), name="article_direction_valid"
            ),
        ]
        indexes = [models.Index(fields=["project", "external_id"])]
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title
