from django.apps import AppConfig


class ProvisionConfig(AppConfig):
    name = "provision"
