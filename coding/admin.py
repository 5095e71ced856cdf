"""Admin for every model. Immutable things (article text, published codebooks, audit rows,
events and their evidence, adjudications, releases and their files) are read-only here;
changes to them go through services. On PostgreSQL triggers refuse the same changes to anyone
(coding/migrations/0002_postgres_invariants.py, 0010_integrity_triggers.py)."""

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import models
from django.http import HttpRequest

from . import models as m


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never added, changed or deleted here: the services own these rows (events are
    written by the coding and adjudication services, releases by the release build)."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class NoDeleteAdmin(admin.ModelAdmin):
    """Editable, never deleted here: a delete would cascade into coded events, gold layers and
    the audit log, which must never be lost (on PostgreSQL the audit and release triggers
    would refuse it anyway, as a server error instead of a clear page)."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.User)
class AtharUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Athar", {"fields": ("display_name", "ui_language")}))  # type: ignore[misc]


class EventTypeInline(admin.TabularInline):
    model = m.EventType
    fields = ("code", "parent", "depth", "position")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(m.Codebook)
class CodebookAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "preset", "created_at")
    search_fields = ("slug", "name")


@admin.register(m.CodebookVersion)
class CodebookVersionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "created_at", "published_at")
    list_filter = ("status",)
    readonly_fields = ("spec", "status", "published_at", "created_from")
    inlines = [EventTypeInline]


@admin.register(m.EventType)
class EventTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "parent", "depth")
    list_filter = ("version",)
    search_fields = ("code",)


@admin.register(m.FieldDefinition)
class FieldDefinitionAdmin(admin.ModelAdmin):
    list_display = ("key", "version", "kind", "required", "level", "typed_column")
    list_filter = ("version", "kind", "level")


class ActorAliasInline(admin.TabularInline):
    model = m.ActorAlias
    fields = ("text", "lang", "script", "normalized")
    readonly_fields = ("normalized",)
    extra = 0


@admin.register(m.Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "actor_type", "country", "status")
    list_filter = ("actor_type", "status", "country")
    search_fields = ("name", "key", "aliases__normalized")
    inlines = [ActorAliasInline]


class LocationAliasInline(admin.TabularInline):
    model = m.LocationAlias
    fields = ("text", "lang", "script", "normalized")
    readonly_fields = ("normalized",)
    extra = 0


@admin.register(m.Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "key", "country", "admin1", "feature_kind", "latitude", "longitude")
    list_filter = ("country", "feature_kind", "status")
    search_fields = ("name", "key", "aliases__normalized")
    inlines = [LocationAliasInline]


class MembershipInline(admin.TabularInline):
    model = m.Membership
    extra = 0


@admin.register(m.ProposalLink)
class ProposalLinkAdmin(ReadOnlyAdmin):
    """Written only by the proposed-names service, which also audits it and refreshes exports."""

    list_display = ("project", "kind", "name", "actor", "location", "created_at")
    list_filter = ("kind",)


@admin.register(m.Project)
class ProjectAdmin(NoDeleteAdmin):
    list_display = ("slug", "name", "codebook_version", "overlap")
    inlines = [MembershipInline]


@admin.register(m.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("project", "user", "role", "is_active")
    list_filter = ("project", "role")


@admin.register(m.Article)
class ArticleAdmin(NoDeleteAdmin):
    # Django 6 assumes https for scheme-less URLs; say so now (and silence its warning).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("title", "project", "language", "direction", "len_cp", "published_at")
    list_filter = ("project", "language")
    search_fields = ("title", "external_id")
    readonly_fields = ("text", "text_sha256", "len_cp", "len_u16", "paragraphs", "direction")


@admin.register(m.Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    """Statuses move only through the workflow services (submit, reopen, reassign), which
    reopen a validated article's adjudication when a coder goes back to work."""

    list_display = ("article", "coder", "project", "status", "submitted_at")
    list_filter = ("project", "status")
    raw_id_fields = ("article",)


class EvidenceSpanInline(admin.TabularInline):
    model = m.EvidenceSpan
    fields = ("role", "start", "end", "quote")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(m.CodedEvent)
class CodedEventAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "article",
        "layer",
        "event_type",
        "event_subtype",
        "date_start",
        "version",
    )
    list_filter = ("layer",)
    raw_id_fields = ("article", "assignment", "adjudication", "location")
    inlines = [EvidenceSpanInline]


@admin.register(m.EvidenceSpan)
class EvidenceSpanAdmin(ReadOnlyAdmin):
    list_display = ("event", "role", "start", "end", "quote")
    raw_id_fields = ("event",)


@admin.register(m.EventRendering)
class EventRenderingAdmin(ReadOnlyAdmin):
    """Derived: the assignment read stores these (coding.event_pages)."""

    list_display = ("event", "stamp")
    raw_id_fields = ("event",)


@admin.register(m.Adjudication)
class AdjudicationAdmin(ReadOnlyAdmin):
    list_display = ("article", "project", "status", "revision", "validated_at")
    list_filter = ("project", "status")
    raw_id_fields = ("article",)


@admin.register(m.AdjudicationDecision)
class AdjudicationDecisionAdmin(admin.ModelAdmin):
    list_display = ("adjudication", "kind", "cluster_key", "decided_by", "decided_at")
    list_filter = ("kind",)
    raw_id_fields = ("adjudication", "gold_event", "source_events")


@admin.register(m.Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("article", "event", "author", "created_at")
    raw_id_fields = ("article", "event", "parent")


@admin.register(m.AgreementRun)
class AgreementRunAdmin(admin.ModelAdmin):
    list_display = ("id", "project", "scope", "article", "status", "created_at")
    list_filter = ("scope", "status")
    raw_id_fields = ("article",)


@admin.register(m.AgreementResult)
class AgreementResultAdmin(admin.ModelAdmin):
    list_display = ("run", "metric", "field_key", "value", "status", "n_units")
    raw_id_fields = ("run",)


@admin.register(m.Disagreement)
class DisagreementAdmin(admin.ModelAdmin):
    list_display = ("article", "kind", "severity", "field_key")
    raw_id_fields = ("run", "article")


class ReleaseFileInline(admin.TabularInline):
    model = m.ReleaseFile
    fields = ("format", "filename", "size", "sha256")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(m.DatasetRelease)
class DatasetReleaseAdmin(ReadOnlyAdmin):
    list_display = ("project", "tag", "status", "row_count", "created_at")
    inlines = [ReleaseFileInline]


@admin.register(m.ReleaseFile)
class ReleaseFileAdmin(ReadOnlyAdmin):
    list_display = ("release", "format", "filename", "size", "sha256")


@admin.register(m.ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    """Written only by the upload and the worker that imports it."""

    list_display = ("id", "project", "filename", "status", "rows_read", "created_at")
    list_filter = ("status", "project")


@admin.register(m.ImportUploadChunk)
class ImportUploadChunkAdmin(ReadOnlyAdmin):
    list_display = ("job", "index")
    exclude = ("data",)


@admin.register(m.AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor", "project", "target_type", "target_id")
    list_filter = ("action", "project")


@admin.register(m.GoldRetraction)
class GoldRetractionAdmin(admin.ModelAdmin):
    list_display = ("retracted_at", "project", "article", "event_id", "revision")
    list_filter = ("project",)
    raw_id_fields = ("article",)


@admin.register(m.DatasetEvent)
class DatasetEventAdmin(ReadOnlyAdmin):
    """Changed only by validation, reopening and the same-event actions (audited)."""

    list_display = ("id", "project", "retired_at", "merged_into", "version", "changed_at")
    list_filter = ("project",)


@admin.register(m.DatasetEventReport)
class DatasetEventReportAdmin(ReadOnlyAdmin):
    list_display = ("gold_event", "dataset_event", "article", "added_at")


@admin.register(m.DuplicateCandidate)
class DuplicateCandidateAdmin(ReadOnlyAdmin):
    list_display = ("event_a", "event_b", "project", "score", "status", "decided_at")
    list_filter = ("project", "status")


@admin.register(m.AssignmentFact)
class AssignmentFactAdmin(ReadOnlyAdmin):
    """Derived rows kept by PostgreSQL triggers (coding/models/throughput_facts.py)."""

    list_display = ("assignment", "project", "coder", "submitted_at", "n_events", "seconds")
    list_filter = ("project",)


@admin.register(m.ArticleFact)
class ArticleFactAdmin(ReadOnlyAdmin):
    """Derived rows kept by PostgreSQL triggers (coding/models/throughput_facts.py)."""

    list_display = ("article", "project", "imported_at", "complete_at", "validated_at")
    list_filter = ("project",)


@admin.register(m.ThroughputCount)
class ThroughputCountAdmin(ReadOnlyAdmin):
    """Derived rows kept by PostgreSQL triggers (coding/models/throughput_facts.py)."""

    list_display = ("project", "user", "week", "kind", "amount")
    list_filter = ("project", "kind")


@admin.register(m.ProgressCount)
class ProgressCountAdmin(ReadOnlyAdmin):
    """Derived rows kept by PostgreSQL triggers (coding/models/throughput_facts.py)."""

    list_display = ("project", "imported_week", "complete_week", "opened_week", "n")
    list_filter = ("project",)
