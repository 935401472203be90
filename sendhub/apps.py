from django.apps import AppConfig


class SendhubConfig(AppConfig):
    name = "sendhub"
    verbose_name = "SENDhub"

    def ready(self):
        from sendhub import checks  # noqa: F401
