from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("pupil/<int:pk>/", views.pupil_plans, name="pupil_plans"),
    path("pupil/<int:pk>/new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/strategies/", views.plan_strategies, name="plan_strategies"),
    path("<int:pk>/strategies/add/", views.plan_strategy_add, name="plan_strategy_add"),
    path("<int:pk>/agree/", views.plan_agree, name="plan_agree"),
    path("<int:pk>/activate/", views.plan_activate, name="plan_activate"),
    path("<int:pk>/revise/", views.plan_revise, name="plan_revise"),
    path("<int:pk>/views/", views.plan_views, name="plan_views"),
    path("<int:pk>/review/", views.plan_review, name="plan_review"),
    path("<int:pk>/my-agreement/", views.portal_plan_agree, name="portal_agree"),
    path("<int:pk>/my-views/", views.portal_plan_views, name="portal_views"),
    path("strategies/", views.strategy_list, name="strategy_list"),
    path("strategies/new/", views.strategy_create, name="strategy_create"),
]
