"""People who sign in (by email) and the trusts they work for."""

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property

from sendhub.notifications.models import EmailChoice


class UserQuerySet(models.QuerySet):
    def at_school(self, school):
        """People holding a current role at the school (staff and parents)."""
        from sendhub.models import Membership

        return self.filter(
            pk__in=Membership.objects.current().filter(school=school).values("user_id")
        )

    def known_at(self, school):
        """People who hold or once held a role at the school: whose page the school may open."""
        from sendhub.models import Membership

        return self.filter(pk__in=Membership.objects.filter(school=school).values("user_id"))

    def trust_leads_with(self, user):
        """The other current trust SEND leads of this trust lead's trust, by name: those whose
        two-step sign-in they may reset (docs/two-factor.md)."""
        from sendhub.models import Membership
        from sendhub.roles import Role

        membership = getattr(user, "membership", None)
        if membership is None or membership.role != Role.TRUST_LEAD or not membership.trust_id:
            return self.none()
        leads = Membership.objects.current().filter(role=Role.TRUST_LEAD, trust=membership.trust_id)
        return (
            self.filter(pk__in=leads.values("user_id"))
            .exclude(pk=user.pk)
            .order_by("first_name", "last_name", "pk")
        )

    def with_roles_at(self, school):
        """Prefetch each person's current roles at the school as person.roles_here."""
        from sendhub.models import Membership

        return self.prefetch_related(
            models.Prefetch(
                "memberships",
                queryset=Membership.objects.current().filter(school=school).order_by("role"),
                to_attr="roles_here",
            )
        )


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with their email address."""

    username = None
    email = models.EmailField("email address", unique=True)
    notification_email = models.CharField(
        max_length=10, choices=EmailChoice.choices, default=EmailChoice.EACH
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(notification_email__in=EmailChoice.values),
                name="user_notification_email_valid",
            )
        ]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.lower()
        super().save(*args, **kwargs)

    @cached_property
    def membership(self):
        """The role this person is acting in now; the middleware sets it from the session."""
        return self.memberships.current().select_related("school", "trust").first()

    @property
    def role(self):
        return self.membership.role if self.membership else None

    @property
    def school(self):
        return self.membership.school if self.membership else None


class Trust(models.Model):
    """A multi-academy trust: an optional group of schools."""

    name = models.CharField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
