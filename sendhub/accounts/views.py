"""Setting a password: from an invitation (sendhub.accounts) or "Forgot your password?".

Both use Django's password reset views with SENDhub's wording. Nobody is told
whether an email address has an account (no user enumeration).
"""

from axes.utils import reset as reset_failed_sign_ins
from django import forms
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse_lazy

from sendhub.accounts.invitations import (
    invitation_days,
    invitation_token_generator,
    reset_link_lifetime,
)
from sendhub.models import Membership, User

PASSWORDS_DIFFER = "The two passwords are different. Type it again."


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Send a link to anyone active who holds a current role, with or without a password.

    People added by the MIS import, or invited and never signed in, have no usable
    password yet; Django's form would silently skip them and leave them with no way in.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        email.label = "Email address"
        email.error_messages["required"] = "Enter the email address you sign in with."
        email.error_messages["invalid"] = "Enter an email address like name@school.sch.uk."

    def get_users(self, email):
        return User.objects.filter(
            email__iexact=email.strip(),
            is_active=True,
            pk__in=Membership.objects.current().values("user_id"),
        )


class SetPasswordForm(auth_forms.SetPasswordForm):
    """Django's form, worded plainly, with a weak password reported on the first box."""

    error_messages = {"password_mismatch": PASSWORDS_DIFFER}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Password"
        self.fields["new_password2"].label = "Type the password again"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password1"].error_messages["required"] = "Choose a password."
        self.fields["new_password2"].error_messages["required"] = "Type the password again."

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        if "new_password2" not in self.errors:
            self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    @property
    def extra_email_context(self):
        return {"lifetime": reset_link_lifetime()}


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(lifetime=reset_link_lifetime(), **kwargs)


class SetPasswordView(auth_views.PasswordResetConfirmView):
    """Choose a password from an emailed link, then go straight in."""

    template_name = "registration/set_password.html"
    post_reset_login = True
    post_reset_login_backend = "sendhub.backends.RoleBackend"
    success_url = reverse_lazy("reports:home")
    token_generator = invitation_token_generator
    form_class = SetPasswordForm
    invitation = True

    def form_valid(self, form):
        # Proving you own the email lifts a sign-in lockout (django-axes) for it.
        reset_failed_sign_ins(username=form.user.get_username())
        response = super().form_valid(form)
        messages.success(self.request, "Your password is saved and you are signed in.")
        return response

    def get_context_data(self, **kwargs):
        lifetime = f"{invitation_days()} days" if self.invitation else reset_link_lifetime()
        return super().get_context_data(invitation=self.invitation, lifetime=lifetime, **kwargs)


class ResetPasswordView(SetPasswordView):
    """A "Forgot your password?" link: Django's own tokens, PASSWORD_RESET_TIMEOUT (1 hour)."""

    token_generator = default_token_generator
    invitation = False
