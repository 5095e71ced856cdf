"""The Athar domain model. See docs/architecture.md for how the pieces fit."""

from .agreement import AgreementResult, AgreementRun, Disagreement
from .audit import AuditEntry
from .codebook import Codebook, CodebookVersion, EventType, FieldDefinition
from .corpus import Article, Membership, Project
from .dataset_events import DatasetEvent, DatasetEventReport, DuplicateCandidate
from .dictionaries import Actor, ActorAlias, DictionaryStatus, Location, LocationAlias
from .events import CodedEvent, EvidenceSpan
from .export_rows import ExportCsvRow, ExportEpoch
from .outbox import OutboxItem
from .recommender import RecommenderModel, RecommenderSettings
from .release import DatasetRelease, GoldRetraction, ReleaseFile
from .review import Adjudication, AdjudicationDecision, Comment
from .review_queue import ReviewQueueEntry
from .users import User
from .workflow import Assignment

__all__ = [
    "Actor",
    "ActorAlias",
    "Adjudication",
    "AdjudicationDecision",
    "AgreementResult",
    "AgreementRun",
    "Article",
    "Assignment",
    "AuditEntry",
    "Codebook",
    "CodebookVersion",
    "CodedEvent",
    "Comment",
    "DatasetEvent",
    "DatasetEventReport",
    "DatasetRelease",
    "DictionaryStatus",
    "Disagreement",
    "DuplicateCandidate",
    "EventType",
    "EvidenceSpan",
    "ExportCsvRow",
    "ExportEpoch",
    "FieldDefinition",
    "GoldRetraction",
    "Location",
    "LocationAlias",
    "Membership",
    "OutboxItem",
    "Project",
    "RecommenderModel",
    "RecommenderSettings",
    "ReleaseFile",
    "ReviewQueueEntry",
    "User",
]
