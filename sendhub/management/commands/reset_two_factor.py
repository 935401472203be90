"""
The service operator resets someone's two-step sign-in, for the case no one in the
service can (the last trust lead of a trust, say). The reset is logged like any other,
with the reason and this command recorded as who did it (docs/two-factor.md).
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from sendhub.accounts.two_factor import reset_two_factor
from sendhub.models import User

VIA = "reset_two_factor command (service operator)"


class Command(BaseCommand):
    help = "Reset a person's two-step sign-in, with a reason kept in their account log."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--reason", required=True)

    @transaction.atomic
    def handle(self, *args, email, reason, **options):
        reason = " ".join(reason.split())
        if not reason:
            raise CommandError("Say why, for example how you checked who asked.")
        person = User.objects.filter(email__iexact=email.strip()).first()
        if person is None:
            raise CommandError(f"No one signs in as {email}.")
        membership = person.membership
        school = membership.school if membership else None
        reset_two_factor(person, by=None, school=school, reason=reason[:300], via=VIA)
        self.stdout.write(f"Reset two-step sign-in for {person.email}; logged with the reason.")
