from django.urls import path

from reports import classes, views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("my-classes/", classes.class_view, name="class_view"),
    path("my-classes/pdf/", classes.class_view_pdf, name="class_view_pdf"),
]
