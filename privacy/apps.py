from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """Data protection: subject access exports and the retention of SEN files."""

    name = "privacy"

    def ready(self):
        from privacy.jobs import KIND, make_subject_access_zip
        from sendhub.jobs import registry
        from sendhub.roles import Role, grant

        # A subject access request is answered by the SENCO (UK GDPR Art. 15).
        grant((Role.SENCO,), "privacy.export_subject_access")
        registry.register(
            KIND,
            make_subject_access_zip,
            permission="privacy.export_subject_access",
            label="Subject access export",
        )
