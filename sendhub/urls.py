from django.contrib.auth import views as auth_views
from django.urls import include, path

from sendhub import views

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("health/", views.health, name="health"),
    path("", include("sendhub.app_urls")),
    path("pupils/", include("pupils.urls")),
    path("plans/", include("reviews.urls")),
    path("", include("reports.urls")),
]
