import re

from django import forms
from django.db import transaction
from django.utils import timezone

from sendhub.models import (
    LAYER_NAME_FIELDS,
    TERM_END_FIELDS,
    AccessGrant,
    Grant,
    Layer,
    Membership,
    NationalComparison,
    School,
    User,
)
from sendhub.roles import Role, roles_with


class SchoolSettingsForm(forms.ModelForm):
    """What the school calls things and how often it reviews."""

    class Meta:
        model = School
        fields = [
            "plan_label",
            "review_cadence_weeks",
            "passport_stale_days",
            "uses_layers",
            "retention_years",
            "senior_leaders_see_restricted",
            *LAYER_NAME_FIELDS.values(),
            "two_factor_for_teaching_staff",
            *[name for day, month in TERM_END_FIELDS.values() for name in (day, month)],
        ]
        labels = {
            "plan_label": "What your school calls a support plan",
            "review_cadence_weeks": "Weeks between reviews",
            "passport_stale_days": "Days before a passport needs checking with the pupil",
            "uses_layers": "Our school puts each plan in a support layer",
            "two_factor_for_teaching_staff": "Teachers and teaching assistants must use "
            "two-step sign-in",
            "retention_years": "Keep a leaver's SEN file until they are this age",
            "senior_leaders_see_restricted": "Senior leaders may open restricted records",
        }
        help_texts = {
            "plan_label": "For example: SEN support plan, IEP, My Plan, Individual Support Plan.",
            "passport_stale_days": "A passport not checked with the pupil for this long is "
            "flagged as due for a check.",
            "uses_layers": "Turn this off if your school does not use layers: plans will not "
            "ask for or show one.",
        }
        widgets = {
            "review_cadence_weeks": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "passport_stale_days": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "retention_years": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_label"].error_messages["required"] = (
            "Enter what your school calls a support plan."
        )
        for layer, name in LAYER_NAME_FIELDS.items():
            field = self.fields[name]
            field.label = f"Our name for the {layer.label.lower()} layer"
            field.help_text = f"Leave blank to use “{layer.label}”."
        for term, (day, month) in TERM_END_FIELDS.items():
            self.fields[day].label = "Day"
            self.fields[month].label = "Month"
            self.fields[day].widget = forms.Select(choices=[(n, n) for n in range(1, 32)])
            self.fields[day].error_messages["required"] = f"Choose the day the {term} term ends."
            self.fields[month].error_messages["required"] = (
                f"Choose the month the {term} term ends."
            )

    def layer_fields(self):
        return [self[name] for name in LAYER_NAME_FIELDS.values()]

    def term_fields(self):
        """[(term, day field, month field)] for the term dates section."""
        return [
            (term.title(), self[day], self[month]) for term, (day, month) in TERM_END_FIELDS.items()
        ]

    def clean(self):
        cleaned = super().clean()
        names = {}
        for layer in Layer:
            name = (cleaned.get(LAYER_NAME_FIELDS[layer]) or "").strip() or layer.label
            other = names.get(name.casefold())
            if other is not None:
                self.add_error(
                    LAYER_NAME_FIELDS[layer],
                    f"“{name}” is already the name of the {other.label.lower()} layer: "
                    "give each layer its own name.",
                )
            names.setdefault(name.casefold(), layer)
        return cleaned


# Roles a school gives on its People page. A trust lead belongs to a trust, not a school.
SCHOOL_ROLE_CHOICES = [(role.value, role.label) for role in Role if role != Role.TRUST_LEAD]
# Roles that may manage people: a school must keep at least one person who can.


# Roles that open every pupil's full SEN file (docs/access.md). Only a senior leader
# gives them, so a school administrator cannot make themselves, or anyone, a SENCO.
ROLES_ONLY_SENIOR_LEADERS_GIVE = {Role.SENCO, Role.SENIOR_LEADER}


def grantable_role_choices(granter_role):
    """The roles someone acting in `granter_role` may give on the People page."""
    if granter_role == Role.SENIOR_LEADER:
        return SCHOOL_ROLE_CHOICES
    return [
        (v, label) for v, label in SCHOOL_ROLE_CHOICES if v not in ROLES_ONLY_SENIOR_LEADERS_GIVE
    ]


def may_give(granter_role, role):
    """Whether someone acting in `granter_role` may give (and so end) `role`."""
    return role in {value for value, _ in grantable_role_choices(granter_role)}


# Nobody opens records to themselves: a role, a class or a pupil is always given by
# someone else, so no one person can reach SEN data alone (least privilege).
NOT_TO_YOURSELF = (
    "You cannot give yourself a role. Ask another senior leader or administrator, so "
    "that someone else has agreed to the access."
)


def record_role_grant(membership, *, by, what):
    return AccessGrant.objects.create(
        by=by,
        to=membership.user,
        school=membership.school,
        what=what,
        detail=membership.get_role_display(),
    )


class GrantRoleMixin:
    """Offers only the roles the person acting may give, and says why when one is refused."""

    def limit_roles(self, granter_role):
        field = self.fields["role"]
        field.choices = [("", field.choices[0][1])] + grantable_role_choices(granter_role)
        field.error_messages["invalid_choice"] = (
            "Choose one of the roles listed. "
            "Only a senior leader can give the SENCO or senior leader role."
        )


def _already_holds(user, role, school):
    label = Role(role).label.lower()
    return f"{user} already has the role {label} at {school}. Nothing was changed."


class PersonForm(GrantRoleMixin, forms.Form):
    """Add a person to the current school in one role (never another school's)."""

    email = forms.EmailField(
        label="Email address",
        help_text="They sign in with this. If they already use SENDhub, use the same address.",
        error_messages={
            "required": "Enter their email address.",
            "invalid": "Enter an email address like name@school.sch.uk.",
        },
    )
    first_name = forms.CharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name."}
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, error_messages={"required": "Enter their last name."}
    )
    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose a role")] + SCHOOL_ROLE_CHOICES,
        error_messages={"required": "Choose their role."},
    )
    job_title = forms.CharField(
        label="Job title (optional)",
        max_length=100,
        required=False,
        help_text="For example: Year 3 teacher, Office manager, HLTA.",
    )

    def __init__(self, *args, school, by, granter_role, **kwargs):
        super().__init__(*args, **kwargs)
        self.school, self.by = school, by
        self.existing = None
        self.needs_acceptance = False
        self.limit_roles(granter_role)

    def is_known_here(self, user):
        return User.objects.known_at(self.school).filter(pk=user.pk).exists()

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        email, role = cleaned.get("email"), cleaned.get("role")
        if email:
            self.existing = User.objects.filter(email__iexact=email).first()
        if self.existing is not None and self.existing.pk == self.by.pk:
            raise forms.ValidationError(NOT_TO_YOURSELF)
        if self.existing is not None and not self.is_known_here(self.existing):
            # An account only other schools know: nothing here may show that it exists,
            # and it gets a role only when its owner accepts (docs/access.md).
            self.needs_acceptance = True
            return cleaned
        if self.existing and role:
            held = self.existing.memberships.current().filter(school=self.school, role=role)
            if held.exists():
                self.add_error("role", _already_holds(self.existing, role, self.school))
        return cleaned

    @transaction.atomic
    def save(self):
        """Find or create the person and give them the role here; returns the membership.

        Returns None for an account known only elsewhere: it is offered the role instead
        (sendhub.accounts.send_role_offer).
        """
        data = self.cleaned_data
        if self.needs_acceptance:
            return None
        user = self.existing or User.objects.create_user(
            data["email"],
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
        )
        membership = Membership.objects.create(
            user=user, school=self.school, role=data["role"], job_title=data["job_title"].strip()
        )
        record_role_grant(membership, by=self.by, what=Grant.ROLE_GIVEN)
        return membership


class RoleForm(GrantRoleMixin, forms.Form):
    """Give a person already at the school another role here."""

    role = forms.ChoiceField(
        label="Role",
        choices=[("", "Choose a role")] + SCHOOL_ROLE_CHOICES,
        error_messages={"required": "Choose a role."},
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=100, required=False)

    def __init__(self, *args, person, school, by, granter_role, **kwargs):
        super().__init__(*args, **kwargs)
        self.person, self.school, self.by = person, school, by
        self.limit_roles(granter_role)

    def clean(self):
        if self.person.pk == self.by.pk:
            raise forms.ValidationError(NOT_TO_YOURSELF)
        return super().clean()

    def clean_role(self):
        role = self.cleaned_data["role"]
        if self.person.memberships.current().filter(school=self.school, role=role).exists():
            raise forms.ValidationError(_already_holds(self.person, role, self.school))
        return role

    @transaction.atomic
    def save(self):
        membership = Membership.objects.create(
            user=self.person,
            school=self.school,
            role=self.cleaned_data["role"],
            job_title=self.cleaned_data["job_title"].strip(),
        )
        record_role_grant(membership, by=self.by, what=Grant.ROLE_GIVEN)
        return membership


class EndRoleForm(forms.Form):
    """End one role (kept in the history, never deleted)."""

    reason = forms.CharField(
        label="Reason (optional)",
        max_length=100,
        required=False,
        help_text="For example: left the school, moved to another class. Kept in the history.",
    )

    def __init__(self, *args, membership, by, granter_role, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership, self.by, self.granter_role = membership, by, granter_role

    def clean(self):
        membership = self.membership
        if not may_give(self.granter_role, membership.role):
            raise forms.ValidationError(
                f"Only a senior leader can end the role {membership.get_role_display()}, "
                "as only a senior leader can give it."
            )
        if membership.user_id == self.by.pk and membership.role in roles_with(
            "sendhub.manage_people"
        ):
            others = self.by.memberships.current().filter(
                school_id=membership.school_id, role__in=roles_with("sendhub.manage_people")
            )
            if not others.exclude(pk=membership.pk).exists():
                raise forms.ValidationError(
                    "You cannot end your own role as "
                    f"{membership.get_role_display().lower()}: it is your last role that lets "
                    "you manage people here. Ask another administrator or senior leader to "
                    "end it, so the school is never left without someone who can."
                )
        return super().clean()

    @transaction.atomic
    def save(self):
        self.membership.end(reason=self.cleaned_data["reason"])
        record_role_grant(self.membership, by=self.by, what=Grant.ROLE_ENDED)
        return self.membership


def use_school_layers(form, school):
    """The layer field in the school's own names, or no layer field if the school has none.

    A form without the field leaves the model's layer as it is (the default on a new row).
    """
    if school.uses_layers:
        form.fields["layer"].choices = school.layer_choices()
    else:
        del form.fields["layer"]


class NationalComparisonForm(forms.ModelForm):
    """Newly published national figures, entered for the school's own dashboard."""

    class Meta:
        model = NationalComparison
        fields = [
            "year_label",
            "census_date",
            "phase",
            "ehcp_percent",
            "sen_support_percent",
            "any_sen_percent",
            "source",
        ]
        widgets = {"census_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    @classmethod
    def for_school(cls, data, *, school, user):
        """Figures for a year and phase the school already entered replace them (history kept)."""
        existing = None
        if data is not None:
            existing = NationalComparison.objects.filter(
                school=school,
                year_label=(data.get("year_label") or "").strip(),
                phase=data.get("phase"),
            ).first()
        instance = existing or NationalComparison(school=school)
        instance.entered_by = user
        return cls(data, instance=instance)

    def clean_year_label(self):
        value = self.cleaned_data["year_label"].strip()
        match = re.fullmatch(r"(\d{4})/(\d{2})", value)
        if not match or (int(match[1]) + 1) % 100 != int(match[2]):
            raise forms.ValidationError("Write the academic year as DfE does, for example 2024/25.")
        return value

    def clean_census_date(self):
        value = self.cleaned_data["census_date"]
        if value > timezone.localdate():
            raise forms.ValidationError("Published figures count a census that has happened.")
        return value
