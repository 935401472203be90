from django.urls import path

from reports import classes, views
from reports.information_report import views as information_report
from reports.progress import views as progress_views
from reports.self_evaluation import views as self_evaluation
from reports.termly import views as termly
from reports.trust import views as trust

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("my-classes/", classes.class_view, name="class_view"),
    path("my-classes/pdf/", classes.class_view_pdf, name="class_view_pdf"),
    path("my-classes/pdf/prepare/", classes.class_view_pdf_prepare, name="class_view_pdf_prepare"),
    path(
        "reports/sen-information-report/",
        information_report.information_report,
        name="information_report",
    ),
    path(
        "reports/sen-information-report/new/",
        information_report.information_report_start,
        name="information_report_start",
    ),
    path(
        "reports/sen-information-report/<int:pk>/",
        information_report.information_report_version,
        name="information_report_version",
    ),
    path(
        "reports/sen-information-report/<int:pk>/edit/",
        information_report.information_report_edit,
        name="information_report_edit",
    ),
    path(
        "reports/sen-information-report/<int:pk>/publish/",
        information_report.information_report_publish,
        name="information_report_publish",
    ),
    path(
        "schools/<str:urn>/sen-information-report/",
        information_report.information_report_public,
        name="information_report_public",
    ),
    path(
        "schools/<str:urn>/sen-information-report/pdf/",
        information_report.information_report_public_pdf,
        name="information_report_public_pdf",
    ),
    path("reports/self-evaluation/", self_evaluation.self_evaluation, name="self_evaluation"),
    path(
        "reports/self-evaluation/new/",
        self_evaluation.self_evaluation_start,
        name="self_evaluation_start",
    ),
    path(
        "reports/self-evaluation/<int:pk>/",
        self_evaluation.self_evaluation_detail,
        name="self_evaluation_detail",
    ),
    path(
        "reports/self-evaluation/<int:pk>/edit/",
        self_evaluation.self_evaluation_edit,
        name="self_evaluation_edit",
    ),
    path(
        "reports/self-evaluation/<int:pk>/finalise/",
        self_evaluation.self_evaluation_finalise,
        name="self_evaluation_finalise",
    ),
    path(
        "reports/self-evaluation/<int:pk>/pdf/",
        self_evaluation.self_evaluation_pdf,
        name="self_evaluation_pdf",
    ),
    path(
        "reports/self-evaluation/<int:pk>/word/",
        self_evaluation.self_evaluation_word,
        name="self_evaluation_word",
    ),
    path("trust/schools/<int:pk>/", trust.school_summary, name="trust_school"),
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
    path(
        "termly-reports/<int:year>/<str:term>/pdf/prepare/",
        termly.termly_draft_pdf_prepare,
        name="termly_draft_pdf_prepare",
    ),
    path("send-reports/", termly.termly_published, name="termly_published"),
    path("send-reports/<int:pk>/", termly.termly_version, name="termly_version"),
    path("send-reports/<int:pk>/pdf/", termly.termly_version_pdf, name="termly_version_pdf"),
]
