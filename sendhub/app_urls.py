from django.urls import path

from sendhub import views
from sendhub.accounts import two_factor_views
from sendhub.jobs import views as job_views
from sendhub.notifications import views as notification_views

app_name = "sendhub"

urlpatterns = [
    path("switch-role/", views.switch_role, name="switch_role"),
    path("roles/offer/<str:token>/", views.role_offer, name="role_offer"),
    path("school/settings/", views.school_settings, name="school_settings"),
    path("school/national-figures/", views.national_figures, name="national_figures"),
    path("school/people/", views.people, name="people"),
    path("school/access-grants/", views.access_grants, name="access_grants"),
    path("school/people/add/", views.person_add, name="person_add"),
    path("school/people/<int:pk>/", views.person, name="person"),
    path("school/people/<int:pk>/invite/", views.person_invite, name="person_invite"),
    path(
        "school/people/<int:pk>/two-factor/reset/",
        two_factor_views.two_factor_reset,
        name="two_factor_reset",
    ),
    path(
        "trust/people/<int:pk>/two-factor/reset/",
        two_factor_views.trust_two_factor_reset,
        name="trust_two_factor_reset",
    ),
    path(
        "school/people/<int:pk>/roles/<int:membership_pk>/end/",
        views.role_end,
        name="role_end",
    ),
    path("jobs/<int:pk>/", job_views.job_status, name="job_status"),
    path("jobs/<int:pk>/download/", job_views.job_download, name="job_download"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path("notifications/<int:pk>/", notification_views.notification_open, name="notification_open"),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notification_read_all",
    ),
    path(
        "notifications/settings/",
        notification_views.notification_settings,
        name="notification_settings",
    ),
]
