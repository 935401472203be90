from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("my-child/<int:pk>/", views.child, name="child"),
    path("my-child/<int:pk>/tell-us/", views.concern_raise, name="concern_raise"),
    path("my-child/worries/", views.concerns, name="concerns"),
    # A parent's side of a support plan keeps its address beside the plans.
    path("plans/<int:pk>/my-response/", views.plan_respond, name="plan_respond"),
    path("plans/<int:pk>/my-views/", views.plan_views, name="plan_views"),
]
