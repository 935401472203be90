"""Production-like settings for the benchmark server: the app's settings, plus a baseline
view in the URLconf and a middleware that reports each request's server time and queries."""

from sendhub.settings import *  # noqa: F403
from sendhub.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
DEBUG = False
# Outermost, so the whole middleware stack is inside the time it reports.
MIDDLEWARE = ["bench.middleware.ServerTimingMiddleware", *MIDDLEWARE]
