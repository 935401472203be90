from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The parent portal: a parent's own children, their passports, plans and worries."""

    name = "portal"
