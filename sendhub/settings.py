"""
SENDhub settings: one module, driven by environment variables.

Development defaults: SQLite file under var/, DEBUG off unless DJANGO_DEBUG=1.
Production: set DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL and
DJANGO_HTTPS=1 (see README "Running in production").
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

# A missing key in production is reported by the deploy check sendhub.E001.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or "django-insecure-dev-only-not-for-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "sendhub",
    "pupils",
    "provision",
    "reviews",
    "reports",
    "portal",
    "privacy",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sendhub.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Marks request.user verified when the session passed two-step sign-in (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # After authentication, so it knows who is signed in; after WhiteNoise, so static
    # files stay cacheable.
    "sendhub.middleware.NoStoreWhenSignedInMiddleware",
    "sendhub.middleware.CurrentMembershipMiddleware",
    "sendhub.middleware.SessionIdleTimeoutMiddleware",
    # After the role is known: sends a signed-in person who must use two-step sign-in to
    # enter a code (or set it up) before any other page.
    "sendhub.accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last: it turns locked-out login attempts into a lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sendhub.urls"
WSGI_APPLICATION = "sendhub.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sendhub.context_processors.membership",
                "pupils.context_processors.concerns",
                "sendhub.notifications.context_processors.unread",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    }
]
# django-template-partials wraps the loaders itself when listed in INSTALLED_APPS.

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'sendhub.sqlite3'}",
        # Persistent connections (checked before reuse) unless DJANGO_CONN_MAX_AGE says
        # otherwise: opening a PostgreSQL connection per request costs more than the page.
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Behind PgBouncer in transaction pooling mode a server-side cursor cannot outlive its
# transaction, so Django must not open one (docs/deploy.md).
if env_bool("DJANGO_DISABLE_SERVER_SIDE_CURSORS"):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# PostgreSQL's JIT compiler is for long analytic queries: on the pages' short ones, whose row
# estimates can pass jit_above_cost, compiling cost ~350 ms of a 7-row provision map query
# (EXPLAIN ANALYZE). Off per connection; behind PgBouncer, which does
# not pass startup options, set it on the database instead (docs/deploy.md).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool(
    "DJANGO_DISABLE_SERVER_SIDE_CURSORS"
):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "sendhub.User"

AUTHENTICATION_BACKENDS = [
    # Axes first so that a locked-out username+IP never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "sendhub.backends.RoleBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
# "Forgot your password?" links work for an hour; invitations to a new account (and role
# offers) for 7 days, with a token generator of their own (sendhub/accounts/invitations.py).
PASSWORD_RESET_TIMEOUT = 60 * 60
SENDHUB_INVITATION_TIMEOUT = 7 * 24 * 60 * 60
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes; sendhub/login_throttle.py). A whole school shares one
# public IP, so the pair (username, IP) is locked after a few failures; the IP alone
# only after many failures across accounts (password spraying). Locks lift after the
# cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("SENDHUB_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SENDHUB_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The sign-in form's field is "username" (it holds the email); count any case as one.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "sendhub.backends.axes_username"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_HANDLER = "sendhub.login_throttle.AxesHandler"
# Each failure is kept (without the password) so failures per address can be counted.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
SENDHUB_LOGIN_ADDRESS_FAILURE_LIMIT = int(
    os.environ.get("SENDHUB_LOGIN_ADDRESS_FAILURE_LIMIT", "20")
)
SENDHUB_LOGIN_ADDRESS_WINDOW_MINUTES = int(
    os.environ.get("SENDHUB_LOGIN_ADDRESS_WINDOW_MINUTES", "15")
)
# The client's address for throttling: with N proxies of ours in front (e.g. 1 for the
# TLS proxy), the N-th X-Forwarded-For entry from the right; with 0, REMOTE_ADDR only.
SENDHUB_PROXY_COUNT = int(os.environ.get("SENDHUB_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "sendhub.login_throttle.client_ip"

# Two-step sign-in (docs/two-factor.md): TOTP from an authenticator app, or a recovery code.
OTP_TOTP_ISSUER = "SENDhub"
# Wrong codes: django-otp makes each next try wait 1, 2, 4, 8... seconds; after this many
# wrong codes in one sign-in the person must start again with their password (which
# django-axes throttles).
SENDHUB_2FA_FAILURE_LIMIT = int(os.environ.get("SENDHUB_2FA_FAILURE_LIMIT", "5"))
# "Remember this device": until this hour (local time) the same day, never longer than
# SENDHUB_2FA_REMEMBER_MAX_HOURS.
SENDHUB_2FA_REMEMBER_UNTIL_HOUR = 18
SENDHUB_2FA_REMEMBER_MAX_HOURS = 10
# The demo's bypass (make run): works only with DEBUG on; the deploy check fails with
# sendhub.E002 if it is set where DEBUG is off or HTTPS is on.
SENDHUB_DEMO_SKIP_2FA = env_bool("SENDHUB_DEMO_SKIP_2FA") and DEBUG

# Sessions: idle staff are signed out after SENDHUB_SESSION_IDLE_MINUTES (default 30).
SENDHUB_SESSION_IDLE_MINUTES = int(os.environ.get("SENDHUB_SESSION_IDLE_MINUTES", "30"))
SENDHUB_PARENT_SESSION_IDLE_MINUTES = int(
    os.environ.get("SENDHUB_PARENT_SESSION_IDLE_MINUTES", "60")
)
SESSION_COOKIE_AGE = 12 * 60 * 60  # absolute ceiling; the idle rule is tighter

# Cache and sessions: in Redis when REDIS_URL is set, so every application server sees the
# same sessions (docs/deploy.md); in this process's memory otherwise (one server, `make run`).
# Sessions are cached_db: read from Redis, written through to the database, so a Redis
# restart signs nobody out.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("SENDHUB_CACHE_PREFIX", "sendhub"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# HTTPS hardening: on in production (DJANGO_HTTPS=1), off for the local demo.
HTTPS = env_bool("DJANGO_HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: no inline script or style, nothing from another origin.
SENDHUB_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("SENDHUB_MANIFEST_STATIC")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("SENDHUB_MEDIA_ROOT", BASE_DIR / "var" / "media"))
MEDIA_URL = "/media/"

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "SENDhub <no-reply@sendhub.test>")

# Where links in emails point (notifications are sent outside any request).
SENDHUB_SITE_URL = os.environ.get("SENDHUB_SITE_URL", "http://localhost:8000")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}

# Background work (sendhub/celery.py): on a Celery worker when a broker is configured
# (CELERY_BROKER_URL, else REDIS_URL); with neither, each task runs in the process that
# asks for it, so `make run` needs nothing but Python.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "").strip() or REDIS_URL
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "").strip() or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Periodic jobs for `celery beat`; schools without a worker run the same management
# commands from cron instead (README).
CELERY_BEAT_SCHEDULE = {
    "daily-digest": {
        "task": "sendhub.notifications.tasks.send_digest_task",
        "schedule": crontab(hour=16, minute=0),
    },
    "clear-stale-imports": {
        "task": "sendhub.tasks.run_command",
        "schedule": crontab(hour=2, minute=30),
        "args": ["clear_stale_imports"],
    },
    # Files made by background jobs (exports, PDF packs) are removed after 24 hours.
    "clear-expired-jobs": {
        "task": "sendhub.tasks.run_command",
        "schedule": crontab(minute=15),
        "args": ["clear_expired_jobs"],
    },
    # EHC plan review reminders on the statutory clock (SEND Regulations 2014 reg 20);
    # named by string: the task lives in reviews, above sendhub.
    "review-reminders": {
        "task": "reviews.tasks.send_review_reminders_task",
        "schedule": crontab(hour=7, minute=0),
    },
}
