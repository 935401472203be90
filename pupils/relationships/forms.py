"""Forms for who sees whom: parents and carers, TA support, class teachers (docs/access.md)."""

from datetime import date, timedelta

from django import forms
from django.core.validators import RegexValidator
from django.db import transaction

from pupils.models import ParentLink, SupportAssignment
from pupils.register.forms import DateInput
from sendhub.models import AccessGrant, Grant, Membership, User
from sendhub.roles import STAFF_ROLES, Role

CLASS_TEACHER_ROLES = (Role.TEACHER, Role.SENCO, Role.SENIOR_LEADER)

phone_validator = RegexValidator(
    r"^[0-9 +()-]{6,30}$",
    "Enter a phone number using digits and spaces (you can also use + ( ) and -).",
)


# Nobody opens a pupil's records to themselves (docs/access.md): someone else decides.
NOT_YOURSELF = "You cannot {what} yourself: ask the SENCO or another colleague to do it."


def record_grant(*, by, to, school, what, detail):
    return AccessGrant.objects.create(
        by=by, to=to, school_id=getattr(school, "pk", school), what=what, detail=detail[:200]
    )


def staff_at(school, roles):
    """People who hold one of these roles at the school now (ended roles do not count)."""
    holders = Membership.objects.current().filter(school=school, role__in=roles)
    return User.objects.filter(pk__in=holders.values("user_id")).order_by(
        "last_name", "first_name", "pk"
    )


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.email} ({obj.email})"


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


class ParentAddForm(forms.Form):
    """Link a parent or carer to a pupil by email; new people get an account and an invitation."""

    email = forms.EmailField(
        label="Email address",
        help_text="The parent's or carer's own email address. New accounts are sent a link "
        "to set a password.",
        error_messages={
            "required": "Enter the parent's email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
    )
    first_name = forms.CharField(
        label="First name",
        max_length=150,
        error_messages={"required": "Enter the parent's first name."},
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=150,
        error_messages={"required": "Enter the parent's last name."},
        help_text="Someone who already has a SENDhub account keeps the name on it.",
    )
    relationship = forms.ChoiceField(
        label="Relationship to the pupil",
        choices=[("", "Choose a relationship"), *ParentLink.Relationship.choices],
        error_messages={"required": "Choose how they are related to the pupil."},
    )
    parental_responsibility = forms.BooleanField(
        label="Has parental responsibility", required=False, initial=True
    )
    phone = forms.CharField(
        label="Phone (optional)", max_length=30, required=False, validators=[phone_validator]
    )

    def __init__(self, *args, pupil, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.pupil, self.by = pupil, by
        self.existing_user = None

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            return email
        staff_role = (
            Membership.objects.current()
            .filter(user=user, school_id=self.pupil.school_id, role__in=STAFF_ROLES)
            .first()
        )
        if user.is_superuser or staff_role is not None:
            role = staff_role.get_role_display() if staff_role else "SENDhub administrator"
            raise forms.ValidationError(
                f"This email address belongs to a member of staff here ({role}). A staff "
                "account cannot be linked to a pupil as a parent: use the parent's own "
                "email address."
            )
        if user.pk == self.by.pk:
            raise forms.ValidationError(NOT_YOURSELF.format(what="link"))
        if ParentLink.objects.current().filter(parent=user, pupil=self.pupil).exists():
            raise forms.ValidationError(
                f"{user} is already linked to {self.pupil.full_name} as a parent or carer."
            )
        self.existing_user = user
        return email

    @transaction.atomic
    def save(self):
        """Find or create the account, give it the parent role here, and link it to the pupil."""
        data = self.cleaned_data
        user = self.existing_user
        if user is None:
            user = User(email=data["email"], first_name=data["first_name"].strip())
            user.last_name = data["last_name"].strip()
            user.set_unusable_password()
            user.save()
        elif not user.get_full_name():
            user.first_name, user.last_name = data["first_name"], data["last_name"]
            user.save(update_fields=["first_name", "last_name"])
        school = self.pupil.school
        current = Membership.objects.current()
        if not current.filter(user=user, school=school, role=Role.PARENT).exists():
            Membership.objects.create(user=user, school=school, role=Role.PARENT)
            record_grant(
                by=self.by, to=user, school=school, what=Grant.ROLE_GIVEN,
                detail=Role.PARENT.label,
            )  # fmt: skip
        link = ParentLink.objects.create(
            parent=user,
            pupil=self.pupil,
            relationship=data["relationship"],
            parental_responsibility=data["parental_responsibility"],
            phone=data["phone"].strip(),
        )
        record_grant(
            by=self.by, to=user, school=school, what=Grant.PARENT_LINKED,
            detail=f"{self.pupil.full_name} ({link.get_relationship_display().lower()})",
        )  # fmt: skip
        return link


class ParentLinkEndForm(forms.Form):
    end_reason = forms.CharField(
        label="Why is this link ending?",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example: a court order, the carer no longer looks after the child, "
        "or the link was made by mistake. This is kept with the record.",
        error_messages={"required": "Say why the link is ending: it is kept with the record."},
    )

    @transaction.atomic
    def end(self, link, *, by):
        link.ended_on = date.today()
        link.end_reason = self.cleaned_data["end_reason"].strip()
        link._change_reason = "Link ended"
        link.save(update_fields=["ended_on", "end_reason"])
        record_grant(
            by=by, to=link.parent, school=link.pupil.school_id, what=Grant.PARENT_LINK_ENDED,
            detail=link.pupil.full_name,
        )  # fmt: skip


class SupportAssignForm(forms.ModelForm):
    staff = StaffChoiceField(
        label="Teaching assistant",
        queryset=User.objects.none(),
        empty_label="Choose a teaching assistant",
        error_messages={
            "required": "Choose the teaching assistant.",
            "invalid_choice": "Choose a teaching assistant who works at this school.",
        },
    )

    class Meta:
        model = SupportAssignment
        fields = ["staff", "starts_on", "note"]
        labels = {"starts_on": "Support starts on", "note": "Note (optional)"}
        help_texts = {"note": "For example: in-class support in English and maths."}
        widgets = {"starts_on": DateInput()}
        error_messages = {
            "starts_on": {
                "required": "Enter the date support starts.",
                "invalid": "Enter the date support starts as a date, for example 2026-09-03.",
            }
        }

    def __init__(self, *args, pupil, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.pupil, self.by = pupil, by
        self.fields["staff"].queryset = staff_at(pupil.school, [Role.TEACHING_ASSISTANT])

    def clean_staff(self):
        staff = self.cleaned_data["staff"]
        if staff.pk == self.by.pk:
            raise forms.ValidationError(NOT_YOURSELF.format(what="assign"))
        return staff

    def clean(self):
        cleaned = super().clean()
        staff, starts_on = cleaned.get("staff"), cleaned.get("starts_on")
        if staff and starts_on:
            overlapping = (
                SupportAssignment.objects.filter(pupil=self.pupil, staff=staff)
                .exclude(ends_on__lt=starts_on)
                .order_by("starts_on")
                .first()
            )
            if overlapping is not None:
                self.add_error(
                    "staff",
                    f"{staff} already supports {self.pupil.full_name} from "
                    f"{overlapping.starts_on:%-d %B %Y}. End that support first, or choose "
                    "someone else.",
                )
        return cleaned

    @transaction.atomic
    def save(self):
        self.instance.pupil = self.pupil
        assignment = super().save()
        record_grant(
            by=self.by, to=assignment.staff, school=self.pupil.school_id,
            what=Grant.TA_SUPPORT_ASSIGNED,
            detail=f"{self.pupil.full_name} from {assignment.starts_on:%-d %B %Y}",
        )  # fmt: skip
        return assignment


class SupportEndForm(forms.Form):
    ends_on = forms.DateField(
        label="Last day of support",
        widget=DateInput(),
        help_text="The teaching assistant can see the pupil up to and including this day. "
        "To stop their access now, choose yesterday.",
        error_messages={
            "required": "Enter the last day of support.",
            "invalid": "Enter the last day of support as a date, for example 2026-09-03.",
        },
    )

    def __init__(self, *args, assignment, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.assignment, self.by = assignment, by
        yesterday = date.today() - timedelta(days=1)
        self.fields["ends_on"].initial = max(yesterday, assignment.starts_on)

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on < self.assignment.starts_on:
            raise forms.ValidationError(
                "The last day cannot be before support started "
                f"({self.assignment.starts_on:%-d %B %Y})."
            )
        return ends_on

    @transaction.atomic
    def end(self):
        assignment = self.assignment
        assignment.ends_on = self.cleaned_data["ends_on"]
        assignment._change_reason = "Support ended"
        assignment.save(update_fields=["ends_on"])
        record_grant(
            by=self.by, to=assignment.staff, school=assignment.pupil.school_id,
            what=Grant.TA_SUPPORT_ENDED,
            detail=f"{assignment.pupil.full_name}, last day {assignment.ends_on:%-d %B %Y}",
        )  # fmt: skip


class ClassTeachersForm(forms.Form):
    teachers = StaffMultipleChoiceField(
        label="Teachers of this class",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Teachers, the SENCO and senior leaders who work here now.",
        error_messages={"invalid_choice": "Choose teachers who work at this school."},
    )

    def __init__(self, *args, group, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.group, self.by = group, by
        self.fields["teachers"].queryset = staff_at(group.school_id, CLASS_TEACHER_ROLES)

    def clean_teachers(self):
        teachers = self.cleaned_data["teachers"]
        already = {teacher.pk for teacher in self.group.teachers.all()}
        if any(t.pk == self.by.pk for t in teachers) and self.by.pk not in already:
            raise forms.ValidationError(NOT_YOURSELF.format(what="add"))
        return teachers

    @transaction.atomic
    def save(self):
        """Set the class's teachers, keeping one history row with who changed them."""
        group = self.group
        before = {teacher.pk: teacher for teacher in group.teachers.all()}
        after = {teacher.pk: teacher for teacher in self.cleaned_data["teachers"]}
        if not group.history.exists():
            # Classes from the MIS import have no history yet: keep who taught it before.
            group._change_reason = "Teachers before the first change in SENDhub"
            group.save()
        group.skip_history_when_saving = True
        try:
            group.teachers.set(self.cleaned_data["teachers"])
        finally:
            del group.skip_history_when_saving
        group._change_reason = "Teachers changed"
        group.save()
        for pk, teacher in after.items():
            if pk not in before:
                record_grant(
                    by=self.by, to=teacher, school=group.school_id,
                    what=Grant.CLASS_TEACHER_ADDED, detail=group.name,
                )  # fmt: skip
        for pk, teacher in before.items():
            if pk not in after:
                record_grant(
                    by=self.by, to=teacher, school=group.school_id,
                    what=Grant.CLASS_TEACHER_REMOVED, detail=group.name,
                )  # fmt: skip
