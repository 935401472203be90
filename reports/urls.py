from django.urls import path

from reports import classes, views
from reports.progress import views as progress_views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("my-classes/", classes.class_view, name="class_view"),
    path("my-classes/pdf/", classes.class_view_pdf, name="class_view_pdf"),
]

# Termly progress, attendance and exclusion data (docs/progress-data.md).
urlpatterns += [
    path("progress/", progress_views.progress_overview, name="progress"),
    path("progress/import/", progress_views.progress_import, name="progress_import"),
    path(
        "progress/import/<int:pk>/",
        progress_views.progress_import_preview,
        name="progress_import_preview",
    ),
    path(
        "progress/import/<int:pk>/apply/",
        progress_views.progress_import_apply,
        name="progress_import_apply",
    ),
    path(
        "progress/import/<int:pk>/result/",
        progress_views.progress_import_result,
        name="progress_import_result",
    ),
    path("progress/enter/", progress_views.progress_entry, name="progress_entry"),
]
