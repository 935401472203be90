from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo trust and school: seed data drawn from every app (the top layer)."""

    name = "demo"
