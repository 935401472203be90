from django.urls import path

from pupils.assessments import views as assessment_views
from pupils.identification import views as concern_views
from pupils.mis_import import views as import_views
from pupils.passports import views as passport_views
from pupils.passports import worklists as passport_worklists
from pupils.register import views
from pupils.relationships import views as relationship_views
from pupils.tasks import views as task_views

app_name = "pupils"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("register/export/<str:file_format>/", views.register_export, name="register_export"),
    path("register/census/", views.census, name="census"),
    path("register/census/<str:file_format>/", views.census_export, name="census_export"),
    path("register/movement/", views.movement, name="movement"),
    path("<int:pk>/", views.pupil_detail, name="detail"),
    path("<int:pk>/history/", views.pupil_history, name="history"),
    path("<int:pk>/status/", views.pupil_change_status, name="change_status"),
    path("<int:pk>/parents-informed/", views.pupil_parent_informed, name="parent_informed"),
    path("<int:pk>/context/", views.pupil_context, name="context"),
]

# Passports, one-page profiles and parent meetings.
urlpatterns += [
    path("<int:pk>/passport/", passport_views.passport_detail, name="passport"),
    path("<int:pk>/passport/edit/", passport_views.passport_edit, name="passport_edit"),
    path("<int:pk>/passport/confirm/", passport_views.passport_confirm, name="passport_confirm"),
    path(
        "<int:pk>/passport/versions/<int:number>/",
        passport_views.passport_version,
        name="passport_version",
    ),
    path(
        "<int:pk>/passport/versions/<int:number>/photo/",
        passport_views.passport_photo,
        name="passport_photo",
    ),
    path("<int:pk>/profile/", passport_views.profile_detail, name="profile"),
    path("<int:pk>/profile/edit/", passport_views.profile_edit, name="profile_edit"),
    path("<int:pk>/parent-meetings/", passport_views.parent_meetings, name="parent_meetings"),
    path("<int:pk>/passport.pdf", passport_views.passport_pdf, name="passport_pdf"),
    path("<int:pk>/one-page-profile.pdf", passport_views.profile_pdf, name="profile_pdf"),
]

# MIS import.
urlpatterns += [
    path("import/", import_views.import_upload, name="import"),
    path("import/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("import/<int:pk>/apply/", import_views.import_apply, name="import_apply"),
    path("import/<int:pk>/result/", import_views.import_result, name="import_result"),
]

# Identification: concerns, evidence, decisions, assessments, referrals.
urlpatterns += [
    path("concerns/", concern_views.concern_queue, name="concern_queue"),
    path("concerns/new/", concern_views.concern_raise, name="concern_raise"),
    path("concerns/mine/", concern_views.concern_mine, name="concern_mine"),
    path("concerns/<int:pk>/", concern_views.concern_detail, name="concern_detail"),
    path("concerns/<int:pk>/status/", concern_views.concern_status, name="concern_status"),
    path("concerns/<int:pk>/evidence/", concern_views.concern_evidence, name="concern_evidence"),
    path(
        "concerns/<int:pk>/round-robin/",
        concern_views.concern_round_robin,
        name="concern_round_robin",
    ),
    path(
        "concerns/<int:pk>/observations/",
        concern_views.concern_observation,
        name="concern_observation",
    ),
    path("concerns/<int:pk>/views/", concern_views.concern_view, name="concern_view"),
    path("concerns/<int:pk>/decide/", concern_views.concern_decide, name="concern_decide"),
    path(
        "concerns/<int:pk>/attachment/",
        concern_views.concern_attachment,
        name="concern_attachment",
    ),
    path(
        "concerns/round-robin/<int:pk>/",
        concern_views.round_robin_answer,
        name="round_robin_answer",
    ),
    path("tasks/", task_views.task_list, name="tasks"),
    path("parent-meetings/", passport_worklists.parent_meetings_due, name="parent_meetings_due"),
    path("tasks/<int:pk>/done/", task_views.task_done, name="task_done"),
    path("tasks/<int:pk>/reassign/", task_views.task_reassign, name="task_reassign"),
    path("<int:pk>/assessments/", assessment_views.pupil_assessments, name="assessments"),
    path("<int:pk>/assessments/add/", assessment_views.assessment_add, name="assessment_add"),
    path("assessments/instruments/", assessment_views.instrument_list, name="instruments"),
    path("services/", assessment_views.service_list, name="services"),
    path("services/add/", assessment_views.service_add, name="service_add"),
    path("<int:pk>/referrals/", assessment_views.pupil_referrals, name="referrals"),
    path("<int:pk>/referrals/add/", assessment_views.referral_add, name="referral_add"),
    path("referrals/<int:pk>/", assessment_views.referral_edit, name="referral_edit"),
    path("referrals/<int:pk>/report/", assessment_views.referral_report, name="referral_report"),
]

# Who sees whom: parents and carers, TA support, class teachers.
urlpatterns += [
    path("<int:pk>/people/", relationship_views.pupil_people, name="people"),
    path("<int:pk>/people/parents/", relationship_views.parent_add, name="parent_add"),
    path("<int:pk>/people/support/", relationship_views.support_add, name="support_add"),
    path("parent-links/<int:pk>/end/", relationship_views.parent_end, name="parent_end"),
    path("parent-links/<int:pk>/invite/", relationship_views.parent_invite, name="parent_invite"),
    path("support/<int:pk>/end/", relationship_views.support_end, name="support_end"),
    path("classes/", relationship_views.class_list, name="classes"),
    path("classes/<int:pk>/", relationship_views.class_detail, name="class_detail"),
]
