from django.contrib.auth import views as auth_views
from django.urls import path

from .views.auth import ThrottledLoginView
from .views.pages import home

app_name = "frontend"

urlpatterns = [
    path("", home, name="home"),
    path("login/", ThrottledLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
