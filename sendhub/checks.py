import os

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    """Production must not run on the development fallback key."""
    if not os.environ.get("DJANGO_SECRET_KEY"):
        return [
            Error(
                "DJANGO_SECRET_KEY is not set.",
                hint="Set a long random DJANGO_SECRET_KEY in the environment.",
                id="sendhub.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def proxy_count_behind_a_proxy(app_configs, **kwargs):
    """Behind a proxy with no proxy count, every sign-in seems to come from the proxy."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and settings.SENDHUB_PROXY_COUNT < 1:
        return [
            Warning(
                "DJANGO_BEHIND_PROXY is set but SENDHUB_PROXY_COUNT is 0: sign-in throttling "
                "would count every user at the proxy's address.",
                hint="Set SENDHUB_PROXY_COUNT to the number of proxies in front of the app.",
                id="sendhub.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def demo_two_factor_bypass_off(app_configs, **kwargs):
    """The demo's two-step sign-in bypass must never reach a real school's data."""
    asked = os.environ.get("SENDHUB_DEMO_SKIP_2FA", "").strip().lower() in {
        "1",
        "true",
        "yes",
        "on",
    }
    if asked and (not settings.DEBUG or settings.SECURE_SSL_REDIRECT):
        return [
            Error(
                "SENDHUB_DEMO_SKIP_2FA is set outside the local demo: nobody would be asked "
                "for a two-step sign-in code.",
                hint="Unset SENDHUB_DEMO_SKIP_2FA. It is for `make run` (DEBUG on) only.",
                id="sendhub.E002",
            )
        ]
    return []
