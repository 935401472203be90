from django import forms

from sendhub.models import Membership, User
from sendhub.roles import Role

# Staff who can see and tick off tasks (pupils/apps.py grants change_task).
TASK_HOLDERS = (Role.SENCO, Role.TEACHER, Role.TEACHING_ASSISTANT)


class TaskReassignForm(forms.Form):
    assigned_to = forms.ModelChoiceField(queryset=User.objects.none(), label="Give it to")

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        staff = Membership.objects.current().filter(school=school, role__in=TASK_HOLDERS)
        self.fields["assigned_to"].queryset = User.objects.filter(
            pk__in=staff.values("user_id")
        ).order_by("last_name", "first_name", "pk")
