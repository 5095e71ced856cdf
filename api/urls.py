from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import (
    adjudication,
    agreement,
    assignments,
    codebooks,
    dataset_events,
    dictionaries,
    duplicate_candidates,
    duplicate_candidates_find,
    events,
    exports,
    machine_suggestions,
    projects,
    proposals,
    recommender,
    review,
)
from .views.auth import MyTokensView, MyTokenView, TokenView

app_name = "api"

v1 = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("users/", projects.UserListView.as_view(), name="users"),
    path("projects/", projects.ProjectListView.as_view(), name="projects"),
    path("projects/<int:project_id>/", projects.ProjectDetailView.as_view(), name="project"),
    path("projects/<int:project_id>/members/", projects.MemberListView.as_view(), name="members"),
    path(
        "projects/<int:project_id>/articles/", projects.ArticleListView.as_view(), name="articles"
    ),
    path(
        "projects/<int:project_id>/articles/import/",
        projects.ArticleImportView.as_view(),
        name="articles-import",
    ),
    path(
        "projects/<int:project_id>/articles/<int:article_id>/",
        projects.ArticleDetailView.as_view(),
        name="article",
    ),
    path(
        "projects/<int:project_id>/assignments/",
        assignments.ProjectAssignmentsView.as_view(),
        name="project-assignments",
    ),
    path(
        "projects/<int:project_id>/assignments/balance/",
        assignments.BalanceAssignmentsView.as_view(),
        name="assignments-balance",
    ),
    path("projects/<int:project_id>/audit/", projects.AuditListView.as_view(), name="audit"),
    path(
        "projects/<int:project_id>/proposed-names/",
        proposals.ProposedNameListView.as_view(),
        name="proposed-names",
    ),
    path(
        "projects/<int:project_id>/proposed-names/resolve/",
        proposals.ProposedNameResolveView.as_view(),
        name="proposed-name-resolve",
    ),
    path("me/assignments/", assignments.MyAssignmentsView.as_view(), name="my-assignments"),
    path("me/tokens/", MyTokensView.as_view(), name="my-tokens"),
    path("me/tokens/<str:token_id>/", MyTokenView.as_view(), name="my-token"),
    path(
        "assignments/<int:assignment_id>/",
        assignments.AssignmentDetailView.as_view(),
        name="assignment",
    ),
    path(
        "assignments/<int:assignment_id>/submit/",
        assignments.SubmitView.as_view(),
        name="assignment-submit",
    ),
    path(
        "assignments/<int:assignment_id>/reopen/",
        assignments.ReopenView.as_view(),
        name="assignment-reopen",
    ),
    path(
        "assignments/<int:assignment_id>/reassign/",
        assignments.ReassignView.as_view(),
        name="assignment-reassign",
    ),
    path(
        "assignments/<int:assignment_id>/events/",
        events.AssignmentEventsView.as_view(),
        name="assignment-events",
    ),
    path("events/<int:event_id>/", events.EventDetailView.as_view(), name="event"),
    path(
        "assignments/<int:assignment_id>/suggestions/",
        dictionaries.SuggestionsView.as_view(),
        name="assignment-suggestions",
    ),
    path("codebook-presets/", codebooks.CodebookPresetListView.as_view(), name="codebook-presets"),
    path(
        "codebook-versions/", codebooks.CodebookVersionListView.as_view(), name="codebook-versions"
    ),
    path(
        "codebook-versions/<int:version_id>/",
        codebooks.CodebookVersionDetailView.as_view(),
        name="codebook-version",
    ),
    path(
        "codebook-versions/<int:version_id>/export/",
        codebooks.CodebookVersionExportView.as_view(),
        name="codebook-version-export",
    ),
    path(
        "codebook-versions/<int:version_id>/publish/",
        codebooks.CodebookVersionPublishView.as_view(),
        name="codebook-version-publish",
    ),
    path(
        "codebook-versions/<int:version_id>/new-draft/",
        codebooks.CodebookVersionNewDraftView.as_view(),
        name="codebook-version-new-draft",
    ),
    path(
        "projects/<int:project_id>/agreement/",
        agreement.ProjectAgreementView.as_view(),
        name="project-agreement",
    ),
    path(
        "projects/<int:project_id>/recommender/",
        recommender.RecommenderView.as_view(),
        name="recommender",
    ),
    path(
        "projects/<int:project_id>/recommender/train/",
        recommender.TrainView.as_view(),
        name="recommender-train",
    ),
    path(
        "projects/<int:project_id>/recommender/origins/",
        machine_suggestions.SuggestionOriginsView.as_view(),
        name="recommender-origins",
    ),
    path(
        "assignments/<int:assignment_id>/machine-suggestions/",
        machine_suggestions.MachineSuggestionsView.as_view(),
        name="machine-suggestions",
    ),
    path(
        "assignments/<int:assignment_id>/machine-suggestions/accept/",
        machine_suggestions.AcceptSuggestionView.as_view(),
        name="machine-suggestions-accept",
    ),
    path(
        "projects/<int:project_id>/duplicate-candidates/find/",
        duplicate_candidates_find.FindDuplicateCandidatesView.as_view(),
        name="duplicate-candidates-find",
    ),
    path(
        "projects/<int:project_id>/agreement/recompute/",
        agreement.RecomputeView.as_view(),
        name="project-agreement-recompute",
    ),
    path(
        "projects/<int:project_id>/agreement/runs/<int:run_id>/",
        agreement.RunDetailView.as_view(),
        name="project-agreement-run",
    ),
    path(
        "projects/<int:project_id>/articles/<int:article_id>/agreement/",
        agreement.ArticleAgreementView.as_view(),
        name="article-agreement",
    ),
    path(
        "projects/<int:project_id>/disagreements/",
        agreement.DisagreementListView.as_view(),
        name="disagreements",
    ),
    path(
        "projects/<int:project_id>/adjudication/queue/",
        adjudication.QueueView.as_view(),
        name="adjudication-queue",
    ),
    path(
        "projects/<int:project_id>/articles/<int:article_id>/adjudication/",
        adjudication.ArticleAdjudicationView.as_view(),
        name="adjudication",
    ),
    path(
        "projects/<int:project_id>/articles/<int:article_id>/adjudication/decisions/",
        adjudication.DecisionsView.as_view(),
        name="adjudication-decisions",
    ),
    path(
        "projects/<int:project_id>/articles/<int:article_id>/adjudication/decisions/"
        "<int:decision_id>/undo/",
        adjudication.UndoDecisionView.as_view(),
        name="adjudication-decision-undo",
    ),
    path(
        "projects/<int:project_id>/articles/<int:article_id>/adjudication/gold-events/"
        "<int:event_id>/",
        adjudication.GoldEventView.as_view(),
        name="adjudication-gold-event",
    ),
    path(
        "projects/<int:project_id>/articles/<int:article_id>/adjudication/validate/",
        adjudication.ValidateView.as_view(),
        name="adjudication-validate",
    ),
    path(
        "projects/<int:project_id>/articles/<int:article_id>/adjudication/reopen/",
        adjudication.ReopenAdjudicationView.as_view(),
        name="adjudication-reopen",
    ),
    path(
        "projects/<int:project_id>/dataset-events/",
        dataset_events.DatasetEventListView.as_view(),
        name="dataset-events",
    ),
    path(
        "projects/<int:project_id>/dataset-events/<int:dataset_event_id>/",
        dataset_events.DatasetEventDetailView.as_view(),
        name="dataset-event",
    ),
    path(
        "projects/<int:project_id>/dataset-events/<int:dataset_event_id>/split/",
        dataset_events.DatasetEventSplitView.as_view(),
        name="dataset-event-split",
    ),
    path(
        "projects/<int:project_id>/dataset-events/<int:dataset_event_id>/resolve/",
        dataset_events.DatasetEventResolveView.as_view(),
        name="dataset-event-resolve",
    ),
    path(
        "projects/<int:project_id>/dataset-events/<int:dataset_event_id>/link/",
        dataset_events.DatasetEventLinkView.as_view(),
        name="dataset-event-link",
    ),
    path(
        "projects/<int:project_id>/duplicate-candidates/",
        duplicate_candidates.CandidateListView.as_view(),
        name="duplicate-candidates",
    ),
    path(
        "projects/<int:project_id>/duplicate-candidates/<int:candidate_id>/",
        duplicate_candidates.CandidateDetailView.as_view(),
        name="duplicate-candidate",
    ),
    path(
        "projects/<int:project_id>/duplicate-candidates/<int:candidate_id>/link/",
        duplicate_candidates.CandidateLinkView.as_view(),
        name="duplicate-candidate-link",
    ),
    path(
        "projects/<int:project_id>/duplicate-candidates/<int:candidate_id>/not-same/",
        duplicate_candidates.CandidateNotSameView.as_view(),
        name="duplicate-candidate-not-same",
    ),
    path(
        "assignments/<int:assignment_id>/adjudicated/",
        adjudication.AdjudicatedForCoderView.as_view(),
        name="assignment-adjudicated",
    ),
    path(
        "projects/<int:project_id>/articles/<int:article_id>/comments/",
        review.CommentsView.as_view(),
        name="article-comments",
    ),
    path(
        "projects/<int:project_id>/feedback/",
        review.ProjectFeedbackView.as_view(),
        name="project-feedback",
    ),
    path("me/feedback/", review.MyFeedbackView.as_view(), name="my-feedback"),
    path("projects/<int:project_id>/export/", exports.ExportView.as_view(), name="export"),
    path("projects/<int:project_id>/releases/", exports.ReleaseListView.as_view(), name="releases"),
    path(
        "projects/<int:project_id>/releases/<int:release_id>/",
        exports.ReleaseDetailView.as_view(),
        name="release",
    ),
    path(
        "projects/<int:project_id>/releases/<int:release_id>/files/<str:fmt>/",
        exports.ReleaseFileView.as_view(),
        name="release-file",
    ),
    path("dictionary/actors/", dictionaries.ActorSearchView.as_view(), name="actor-search"),
    path(
        "dictionary/locations/", dictionaries.LocationSearchView.as_view(), name="location-search"
    ),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI with no inline script or style, under the site's Content-Security-Policy.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
]
