from django.urls import path

from reviews import views, worklists
from reviews.annual_reviews import views as annual_review_views
from reviews.annual_reviews import workflow_views as ar
from reviews.ehc_plans import needs_assessments, sections
from reviews.ehc_plans import views as ehc_plan_views

app_name = "reviews"

urlpatterns = [
    path("worklist/<slug:which>/", worklists.plan_worklist, name="worklist"),
    path("pupil/<int:pk>/", views.pupil_plans, name="pupil_plans"),
    path("pupil/<int:pk>/panel/", views.pupil_panel, name="pupil_panel"),
    path("pupil/<int:pk>/new/", views.plan_create, name="plan_create"),
    path("pupil/<int:pk>/ehc-plan/", ehc_plan_views.ehc_plan, name="ehc_plan"),
    path("pupil/<int:pk>/ehc-plan/issued/", ehc_plan_views.ehc_plan_issue, name="ehc_plan_issue"),
    path("ehc-plan/<int:pk>/ceased/", ehc_plan_views.ehc_plan_cease, name="ehc_plan_cease"),
    path(
        "ehc-plan/<int:plan_pk>/<slug:section>/add/",
        sections.ehc_plan_line_add,
        name="ehc_plan_line_add",
    ),
    path(
        "ehc-plan/<int:plan_pk>/<slug:section>/<int:pk>/",
        sections.ehc_plan_line_edit,
        name="ehc_plan_line_edit",
    ),
    path("ehc-needs-assessments/", needs_assessments.request_list, name="needs_assessments"),
    path(
        "pupil/<int:pk>/ehc-needs-assessment/new/",
        needs_assessments.request_create,
        name="needs_assessment_create",
    ),
    path(
        "pupil/<int:pk>/ehc-needs-assessment/panel/",
        needs_assessments.pupil_requests,
        name="needs_assessment_panel",
    ),
    path(
        "ehc-needs-assessment/<int:pk>/", needs_assessments.request_detail, name="needs_assessment"
    ),
    path(
        "ehc-needs-assessment/<int:pk>/event/",
        needs_assessments.event_record,
        name="needs_assessment_event",
    ),
    path(
        "ehc-needs-assessment/<int:pk>/final-plan/",
        needs_assessments.final_plan_record,
        name="needs_assessment_final_plan",
    ),
    path(
        "ehc-needs-assessment/<int:pk>/request-pack.pdf",
        needs_assessments.request_pack_pdf,
        name="needs_assessment_pdf",
    ),
    path(
        "pupil/<int:pk>/annual-reviews/",
        annual_review_views.annual_reviews,
        name="annual_reviews",
    ),
    path(
        "pupil/<int:pk>/annual-reviews/open/",
        annual_review_views.annual_review_open,
        name="annual_review_open",
    ),
    path(
        "annual-review/<int:pk>/record/",
        annual_review_views.annual_review_record,
        name="annual_review_record",
    ),
    path("annual-review/<int:pk>/people/", ar.annual_review_people, name="annual_review_people"),
    path("annual-review/<int:pk>/people/add/", ar.contributor_add, name="contributor_add"),
    path(
        "annual-review/<int:pk>/people/suggested/",
        ar.contributors_suggested,
        name="contributors_suggested",
    ),
    path("annual-review/<int:pk>/invite/", ar.invitations_send, name="invitations_send"),
    path("annual-review/<int:pk>/ask-advice/", ar.advice_request, name="advice_request"),
    path(
        "annual-review/<int:pk>/advice-circulated/",
        ar.advice_circulated,
        name="advice_circulated",
    ),
    path("annual-review/<int:pk>/pupil-views/", ar.pupil_views, name="annual_review_pupil_views"),
    path("annual-review/<int:pk>/meeting/", ar.meeting_record, name="annual_review_meeting"),
    path("annual-review/<int:pk>/report.pdf", ar.report_pdf, name="annual_review_report"),
    path("annual-review/<int:pk>/report-sent/", ar.report_send, name="annual_review_report_send"),
    path("review-contributor/<int:pk>/invitation.pdf", ar.invitation_pdf, name="invitation_pdf"),
    path(
        "review-contributor/<int:pk>/advice-request.pdf",
        ar.advice_request_pdf,
        name="advice_request_pdf",
    ),
    path("ehc-reviews/advice-asked/", ar.advice_asked, name="advice_asked"),
    path("ehc-reviews/advice-asked/<int:pk>/", ar.advice_give, name="advice_give"),
    path("ehc-reviews/advice/<str:token>/", ar.advice_link, name="advice_link"),
    path("ehc-reviews/letterhead/", ar.letterhead, name="letterhead"),
    path("ehc-reviews/", annual_review_views.ehc_compliance, name="ehc_compliance"),
    path(
        "ehc-reviews/transfer-years/",
        annual_review_views.transfer_years_edit,
        name="transfer_years_edit",
    ),
    path(
        "ehc-reviews/shortfall-tolerance/",
        annual_review_views.shortfall_tolerance_edit,
        name="shortfall_tolerance_edit",
    ),
    path("ehc-reviews/calendar/", annual_review_views.calendar_feeds, name="calendar_feeds"),
    path(
        "ehc-reviews/calendar/new/",
        annual_review_views.calendar_feed_create,
        name="calendar_feed_create",
    ),
    path(
        "ehc-reviews/calendar/<int:pk>/revoke/",
        annual_review_views.calendar_feed_revoke,
        name="calendar_feed_revoke",
    ),
    path(
        "ehc-reviews/calendar/<str:token>.ics",
        annual_review_views.calendar_feed_ics,
        name="calendar_feed_ics",
    ),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/strategies/", views.plan_strategies, name="plan_strategies"),
    path("<int:pk>/strategies/add/", views.plan_strategy_add, name="plan_strategy_add"),
    path("<int:pk>/agree/", views.plan_agree, name="plan_agree"),
    path("<int:pk>/answer/", views.plan_answer, name="plan_answer"),
    path("<int:pk>/activate/", views.plan_activate, name="plan_activate"),
    path("<int:pk>/revise/", views.plan_revise, name="plan_revise"),
    path("<int:pk>/views/", views.plan_views, name="plan_views"),
    path("<int:pk>/review/", views.plan_review, name="plan_review"),
    path("<int:pk>/plan.pdf", views.plan_pdf, name="plan_pdf"),
    path("<int:pk>/review.pdf", views.review_pdf, name="review_pdf"),
]
