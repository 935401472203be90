import os

from django.core.checks import Error, Tags, register


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
