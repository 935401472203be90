from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Data protection: subject access exports and the retention of SEN files."""

    name = "privacy"

    def ready(self):
        from sendhub.roles import Role, grant

        # A subject access request is answered by the SENCO (UK GDPR Art. 15).
        grant((Role.SENCO,), "privacy.export_subject_access")
