from django.urls import path

from sendhub import views

app_name = "sendhub"

urlpatterns = [
    path("switch-role/", views.switch_role, name="switch_role"),
    path("school/settings/", views.school_settings, name="school_settings"),
]
