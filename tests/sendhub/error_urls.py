"""The site's URLs plus a view that fails, to show the 500 page."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("A fault in a view, for the 500 page test.")


urlpatterns = [path("broken/", broken), path("", include("sendhub.urls"))]
