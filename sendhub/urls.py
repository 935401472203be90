from django.contrib.auth import views as auth_views
from django.urls import include, path

from sendhub import views
from sendhub.accounts import views as account_views

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password-reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        account_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        account_views.ResetPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/invitation/<uidb64>/<token>/",
        account_views.SetPasswordView.as_view(),
        name="set_password",
    ),
    path("health/", views.health, name="health"),
    path("", include("sendhub.app_urls")),
    path("pupils/", include("pupils.urls")),
    path("plans/", include("reviews.urls")),
    path("", include("provision.urls")),
    path("", include("reports.urls")),
    path("", include("portal.urls")),
    path("", include("privacy.urls")),
]
