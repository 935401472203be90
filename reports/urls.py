from django.urls import path

from reports import classes, views
from reports.trust import views as trust

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("my-classes/", classes.class_view, name="class_view"),
    path("my-classes/pdf/", classes.class_view_pdf, name="class_view_pdf"),
    path("trust/schools/<int:pk>/", trust.school_summary, name="trust_school"),
]
