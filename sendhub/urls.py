from django.contrib.auth import views as auth_views
from django.urls import include, path

from sendhub import views
from sendhub.accounts import two_factor_views
from sendhub.accounts import views as account_views
from sendhub.accounts.two_factor import two_factor_exempt

urlpatterns = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", two_factor_exempt(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/two-factor/", two_factor_views.two_factor_verify, name="two_factor_verify"),
    path("accounts/two-factor/set-up/", two_factor_views.two_factor_setup, name="two_factor_setup"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor_views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path(
        "accounts/two-factor/recovery-codes/download/",
        two_factor_views.two_factor_recovery_download,
        name="two_factor_recovery_download",
    ),
    path(
        "accounts/two-factor/manage/",
        two_factor_views.two_factor_manage,
        name="two_factor_manage",
    ),
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
