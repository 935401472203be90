from django.urls import path

from portal import annual_reviews, views

app_name = "portal"

urlpatterns = [
    path("my-child/<int:pk>/", views.child, name="child"),
    path("my-child/<int:pk>/tell-us/", views.concern_raise, name="concern_raise"),
    path("my-child/<int:pk>/ehc-review/", annual_reviews.annual_review, name="annual_review"),
    path(
        "my-child/<int:pk>/ehc-review/my-views/",
        annual_reviews.annual_review_views,
        name="annual_review_views",
    ),
    path(
        "my-child/<int:pk>/ehc-review/report.pdf",
        annual_reviews.annual_review_report,
        name="annual_review_report",
    ),
    path("my-child/worries/", views.concerns, name="concerns"),
    # A parent's side of a support plan keeps its address beside the plans.
    path("plans/<int:pk>/my-response/", views.plan_respond, name="plan_respond"),
    path("plans/<int:pk>/my-views/", views.plan_views, name="plan_views"),
]
