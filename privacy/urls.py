from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("pupils/<int:pk>/subject-access/", views.subject_access, name="subject_access"),
    path(
        "pupils/<int:pk>/subject-access/prepare/",
        views.subject_access_prepare,
        name="subject_access_prepare",
    ),
]
