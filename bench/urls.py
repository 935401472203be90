"""The app's URLs plus the baseline page, which exists only in the benchmark."""

from django.http import HttpResponse
from django.template import engines
from django.urls import include, path

from pupils.models import Pupil

BASELINE = engines["django"].from_string(
    "<!doctype html><title>Baseline</title><ul>{% for p in pupils %}"
    "<li>{{ p.first_name }} {{ p.last_name }}</li>{% endfor %}</ul>"
)


def baseline(request):
    """One query, 12 rows, a small template, behind the full middleware (signed in)."""
    pupils = list(Pupil.objects.order_by("pk").values("first_name", "last_name")[:12])
    return HttpResponse(BASELINE.render({"pupils": pupils}, request))


urlpatterns = [
    path("bench/baseline/", baseline, name="bench_baseline"),
    path("", include("sendhub.urls")),
]
