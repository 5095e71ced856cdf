from django.contrib.auth import views as auth_views
from django.urls import path

from .views.auth import ThrottledLoginView
from .views.pages import code_screen, home, queue

app_name = "frontend"

urlpatterns = [
    path("", home, name="home"),
    path("queue/", queue, name="queue"),
    path("code/<int:assignment_id>/", code_screen, name="code"),
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
