from django.urls import path

from reports import class_views, pdf, portal_views, views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
]

# Passports, class view, parent portal and PDFs (issue 5).
urlpatterns += [
    path("my-classes/", class_views.class_view, name="class_view"),
    path("my-classes/pdf/", class_views.class_view_pdf, name="class_view_pdf"),
    path("my-child/<int:pk>/", portal_views.portal_child, name="portal_child"),
    path(
        "my-child/<int:pk>/tell-us/",
        portal_views.portal_concern_raise,
        name="portal_concern_raise",
    ),
    path("my-child/worries/", portal_views.portal_concerns, name="portal_concerns"),
    path("pupils/<int:pk>/passport.pdf", pdf.passport_pdf, name="passport_pdf"),
    path("pupils/<int:pk>/one-page-profile.pdf", pdf.profile_pdf, name="profile_pdf"),
    path("plans/<int:pk>/plan.pdf", pdf.plan_pdf, name="plan_pdf"),
    path("plans/<int:pk>/review.pdf", pdf.review_pdf, name="review_pdf"),
]
