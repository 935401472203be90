from django.urls import path

from reports import classes, views
from reports.termly import views as termly

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("my-classes/", classes.class_view, name="class_view"),
    path("my-classes/pdf/", classes.class_view_pdf, name="class_view_pdf"),
    # The governors' termly SEND report (reports/termly/).
    path("termly-reports/", termly.termly_reports, name="termly_reports"),
    path("termly-reports/<int:year>/<str:term>/", termly.termly_edit, name="termly_edit"),
    path(
        "termly-reports/<int:year>/<str:term>/publish/",
        termly.termly_publish,
        name="termly_publish",
    ),
    path(
        "termly-reports/<int:year>/<str:term>/pdf/",
        termly.termly_draft_pdf,
        name="termly_draft_pdf",
    ),
    path("send-reports/", termly.termly_published, name="termly_published"),
    path("send-reports/<int:pk>/", termly.termly_version, name="termly_version"),
    path("send-reports/<int:pk>/pdf/", termly.termly_version_pdf, name="termly_version_pdf"),
]
