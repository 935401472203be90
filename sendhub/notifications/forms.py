from django import forms

from sendhub.models import User


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["notification_email"]
        widgets = {"notification_email": forms.RadioSelect}
        labels = {"notification_email": "Email me when something is waiting"}
        help_texts = {
            "notification_email": "Emails say only that something is waiting, with a link: "
            "never a pupil's name or needs."
        }
