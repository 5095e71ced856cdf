from django.contrib.auth import views as auth_views
from django.urls import path

from .views import import_pages, project_pages, proposal_pages, same_events, throughput_pages
from .views.auth import ThrottledLoginView
from .views.pages import code_screen, home, queue

app_name = "frontend"

urlpatterns = [
    path("", home, name="home"),
    path("queue/", queue, name="queue"),
    path("code/<int:assignment_id>/", code_screen, name="code"),
    path("projects/<int:project_id>/agreement/", project_pages.agreement, name="agreement"),
    path(
        "projects/<int:project_id>/adjudication/",
        project_pages.adjudication_queue,
        name="adjudication",
    ),
    path(
        "projects/<int:project_id>/adjudication/<int:article_id>/",
        project_pages.side_by_side,
        name="side-by-side",
    ),
    path(
        "projects/<int:project_id>/same-events/",
        same_events.queue,
        name="same-events",
    ),
    path(
        "projects/<int:project_id>/same-events/<int:candidate_id>/",
        same_events.compare,
        name="same-event",
    ),
    path("projects/<int:project_id>/feedback/", project_pages.feedback, name="feedback"),
    path("projects/<int:project_id>/data/", project_pages.data, name="data"),
    path("projects/<int:project_id>/import/", import_pages.import_articles, name="import"),
    path("projects/<int:project_id>/throughput/", throughput_pages.throughput, name="throughput"),
    path(
        "projects/<int:project_id>/proposed-names/",
        proposal_pages.proposed_names,
        name="proposed-names",
    ),
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
