"""Codebooks: a named codebook with numbered versions; a published version is immutable.

The version's `spec` holds the canonical codebook document (see docs/codebook-format.md);
EventType and FieldDefinition rows are derived from it when the version is created, so that
events can point at types with foreign keys and queries can filter by them.
"""

from django.db import models
from django.db.models import Q


class Codebook(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    preset = models.CharField(max_length=40, blank=True, help_text="Built-in preset it came from.")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.slug


class CodebookVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    codebook = models.ForeignKey(Codebook, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    spec = models.JSONField(help_text="The canonical codebook document of this version.")
    created_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["codebook", "number"], name="codebookversion_unique_number"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="codebookversion_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="codebookversion_number_positive"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="codebookversion_published_has_date",
            ),
        ]
        ordering = ["codebook_id", "number"]

    def __str__(self) -> str:
        return f"{self.codebook.slug}@{self.number}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class EventType(models.Model):
    """A node of the event-type tree: roots are types, their children sub-types."""

    version = models.ForeignKey(
        CodebookVersion, on_delete=models.CASCADE, related_name="event_types"
    )
    code = models.CharField(max_length=80)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    labels = models.JSONField(default=dict, blank=True)
    definition = models.JSONField(default=dict, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="eventtype_unique_code"),
            models.CheckConstraint(
                condition=(Q(depth=0) & Q(parent__isnull=True))
                | (Q(depth__gt=0) & Q(parent__isnull=False)),
                name="eventtype_root_iff_depth0",
            ),
        ]
        ordering = ["version_id", "position"]

    def __str__(self) -> str:
        return self.code

    def label(self, lang: str = "en") -> str:
        return str(self.labels.get(lang) or self.labels.get("en") or self.code)


FIELD_KINDS = ["choice", "multi_choice", "actor", "location", "date", "integer", "text", "boolean"]
MEASUREMENT_LEVELS = ["nominal", "ordinal", "interval", "ratio"]


class FieldDefinition(models.Model):
    class Kind(models.TextChoices):
        CHOICE = "choice"
        MULTI_CHOICE = "multi_choice"
        ACTOR = "actor"
        LOCATION = "location"
        DATE = "date"
        INTEGER = "integer"
        TEXT = "text"
        BOOLEAN = "boolean"

    class Level(models.TextChoices):
        NOMINAL = "nominal"
        ORDINAL = "ordinal"
        INTERVAL = "interval"
        RATIO = "ratio"

    class TypedColumn(models.TextChoices):
        DATE = "date"
        LOCATION = "location"
        FATALITIES = "fatalities"
        DATE_PRECISION = "date_precision"
        GEO_PRECISION = "geo_precision"

    version = models.ForeignKey(CodebookVersion, on_delete=models.CASCADE, related_name="fields")
    key = models.CharField(max_length=80)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    labels = models.JSONField(default=dict, blank=True)
    definition = models.JSONField(default=dict, blank=True)
    required = models.BooleanField(default=False)
    level = models.CharField(max_length=16, choices=Level.choices, default=Level.NOMINAL)
    evidence_role = models.CharField(max_length=80, blank=True)
    export_column = models.CharField(max_length=80, blank=True)
    typed_column = models.CharField(max_length=20, choices=TypedColumn.choices, blank=True)
    multiple = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True)
    min_value = models.BigIntegerField(null=True, blank=True)
    max_value = models.BigIntegerField(null=True, blank=True)
    max_length = models.PositiveIntegerField(null=True, blank=True)
    applies_to = models.ManyToManyField(
        EventType,
        blank=True,
        related_name="fields",
        help_text="Event types this field applies to (and their sub-types); empty = all.",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="fielddefinition_unique_key"),
            models.UniqueConstraint(
                fields=["version", "typed_column"],
                condition=~Q(typed_column=""),
                name="fielddefinition_one_field_per_typed_column",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=FIELD_KINDS), name="fielddefinition_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(level__in=MEASUREMENT_LEVELS), name="fielddefinition_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="fielddefinition_min_le_max",
            ),
        ]
        ordering = ["version_id", "position"]

    def __str__(self) -> str:
        return self.key
