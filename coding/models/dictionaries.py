"""Actor dictionary and gazetteer, shared by all projects.

Aliases carry a `normalized` form (Arabic folding, Latin casefold; see coding.text) that
dictionary search matches against an index, so search cost does not grow with a Python loop.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class DictionaryStatus(models.TextChoices):
    CURATED = "curated", "Curated"
    PROPOSED = "proposed", "Proposed by a coder"


class Actor(models.Model):
    key = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    actor_type = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="ACLED actor type (inter code) 1–8."
    )
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2.")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="components"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    external_id = models.CharField(max_length=120, blank=True, help_text="e.g. wikidata:Q123")
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=DictionaryStatus.choices, default=DictionaryStatus.CURATED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(actor_type__isnull=True) | Q(actor_type__gte=1, actor_type__lte=8),
                name="actor_type_in_1_8",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=F("valid_from")),
                name="actor_valid_range",
            ),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    key = models.SlugField(max_length=120, unique=True)
    name = models.CharField(max_length=300)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2.")
    admin1 = models.CharField(max_length=200, blank=True)
    admin2 = models.CharField(max_length=200, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    feature_kind = models.CharField(max_length=40, blank=True)
    external_id = models.CharField(max_length=120, blank=True, help_text="e.g. geonames:2460596")
    coord_source = models.CharField(max_length=300, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="contains"
    )
    status = models.CharField(
        max_length=16, choices=DictionaryStatus.choices, default=DictionaryStatus.CURATED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="location_coordinates_valid",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | ~Q(coord_source=""),
                name="location_coordinates_have_source",
            ),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class _Alias(models.Model):
    text = models.CharField(max_length=300)
    lang = models.CharField(max_length=8, blank=True)
    script = models.CharField(max_length=8, blank=True)
    normalized = models.CharField(max_length=300, db_index=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.text


class ActorAlias(_Alias):
    actor = models.ForeignKey(Actor, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "text", "lang"], name="actoralias_unique_text_lang"
            )
        ]


class LocationAlias(_Alias):
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="aliases")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["location", "text", "lang"], name="locationalias_unique_text_lang"
            )
        ]


class ProposalLink(models.Model):
    """A proposed name (``{"name": s}`` in events' values) a supervisor resolved into a
    dictionary entry, for one project.

    Open events are rewritten to point at the entry when the proposal is resolved; frozen
    ones (validated gold, submitted coder work) keep the name they were coded with, and
    exports read that name through this link, so a released row shows the entry. ``key`` is
    the name's folded key (``coding.text.matching.alias_key``), shared by its spellings.
    Creating, changing or deleting a link raises the export epoch (stored lines go stale).
    """

    class Kind(models.TextChoices):
        ACTOR = "actor", "Actor"
        LOCATION = "location", "Place"

    project = models.ForeignKey("coding.Project", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    key = models.CharField(max_length=300)
    name = models.CharField(max_length=300, help_text="The spelling the supervisor resolved.")
    actor = models.ForeignKey(
        Actor, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "key"], name="proposallink_one_per_name"
            ),
            models.CheckConstraint(
                condition=Q(kind="actor", actor__isnull=False, location__isnull=True)
                | Q(kind="location", location__isnull=False, actor__isnull=True),
                name="proposallink_entry_of_its_kind",
            ),
            models.CheckConstraint(condition=~Q(key=""), name="proposallink_key_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.name} → {self.actor_id or self.location_id}"

    @property
    def entry_id(self) -> int:
        return int(self.actor_id or self.location_id or 0)
