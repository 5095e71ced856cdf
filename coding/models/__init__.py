"""The Athar domain model. See docs/architecture.md for how the pieces fit."""

from .agreement import AgreementChunk, AgreementResult, AgreementRun, Disagreement
from .audit import AuditEntry
from .calibration import (
    REAL_ASSIGNMENT,
    REAL_EVENT,
    CalibrationAssignment,
    CalibrationItem,
    CalibrationPolicy,
)
from .codebook import Codebook, CodebookVersion, EventType, FieldDefinition
from .corpus import Article, Membership, Project
from .dataset_events import DatasetEvent, DatasetEventReport, DuplicateCandidate
from .dictionaries import (
    Actor,
    ActorAlias,
    DictionaryStatus,
    Location,
    LocationAlias,
    ProposalLink,
)
from .events import CodedEvent, EventRendering, EvidenceSpan
from .export_rows import ExportCsvRow, ExportEpoch
from .imports import ImportJob, ImportUploadChunk
from .outbox import OutboxItem
from .recommender import RecommenderModel, RecommenderSettings
from .release import DatasetRelease, GoldRetraction, ReleaseFile
from .review import Adjudication, AdjudicationDecision, Comment
from .review_queue import ReviewQueueEntry
from .review_queue_keys import ReviewQueueCount, ReviewQueueKey
from .throughput_facts import ArticleFact, AssignmentFact, ProgressCount, ThroughputCount
from .time_on_task import Activity, TimeDay, TimeInterval, TimeLedger, TimeTab
from .users import User
from .workflow import Assignment

__all__ = [
    "REAL_ASSIGNMENT",
    "REAL_EVENT",
    "Activity",
    "Actor",
    "ActorAlias",
    "Adjudication",
    "AdjudicationDecision",
    "AgreementChunk",
    "AgreementResult",
    "AgreementRun",
    "Article",
    "ArticleFact",
    "Assignment",
    "AssignmentFact",
    "AuditEntry",
    "CalibrationAssignment",
    "CalibrationItem",
    "CalibrationPolicy",
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
    "EventRendering",
    "EventType",
    "EvidenceSpan",
    "ExportCsvRow",
    "ExportEpoch",
    "FieldDefinition",
    "GoldRetraction",
    "ImportJob",
    "ImportUploadChunk",
    "Location",
    "LocationAlias",
    "Membership",
    "OutboxItem",
    "ProgressCount",
    "Project",
    "ProposalLink",
    "RecommenderModel",
    "RecommenderSettings",
    "ReleaseFile",
    "ReviewQueueCount",
    "ReviewQueueEntry",
    "ReviewQueueKey",
    "ThroughputCount",
    "TimeDay",
    "TimeInterval",
    "TimeLedger",
    "TimeTab",
    "User",
]
