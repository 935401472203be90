import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from demo import annual_reviews as demo_annual_reviews
from demo import ehcp as demo_ehcp
from demo import history as demo_history
from demo import identification as demo_identification
from demo import mis_import as import_demo
from demo import passports as demo_passports
from demo import people as sendhub_demo
from demo import plans as reviews_demo
from demo import progress as demo_progress
from demo import provision as provision_demo
from demo import pupils as pupils_demo
from demo import reports as demo_reports
from demo import termly as demo_termly
from demo import trust as demo_trust
from sendhub.models import School


class Command(BaseCommand):
    help = "Build the deterministic demo trust and secondary school, and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if any school exists."
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, if_empty, seed, **options):
        if School.objects.exists():
            if if_empty:
                self.stdout.write("Demo data already present; nothing to do.")
                self.print_logins()
                return
            raise CommandError(
                "The database already has schools. Use a fresh database for the demo."
            )
        started = time.monotonic()
        # Repeatable demo data from a seed: not used for anything secret.
        rng = random.Random(seed)  # noqa: S311  # nosec B311
        with transaction.atomic():
            people = sendhub_demo.build_people(rng)
            counts = pupils_demo.seed_school(rng, people)
            counts |= demo_passports.seed_demo_passports(rng, people)
            counts |= reviews_demo.seed_demo_plans(rng, people)
            import_demo.seed_imports(rng, people)
            demo_identification.seed_identification(rng, people)
            # Last, so the random draws of the seeds above stay as they were.
            counts |= provision_demo.seed_demo_provision(rng, people)
            counts |= demo_annual_reviews.seed_demo_annual_reviews(rng, people)
            counts |= demo_ehcp.seed_demo_ehcp(people)
            # The information report and self-evaluation draw nothing at random.
            counts |= demo_reports.seed_demo_reports(people)
            # Three years of termly progress data, after every register change is made.
            counts |= demo_progress.seed_demo_progress(rng, people)
            # Three more schools for the trust roll-up, on random draws of their own.
            counts |= demo_trust.seed_demo_trust(seed, people)
            # Last of all: date and sign the history the seeds above wrote "now".
            demo_history.backdate_history(people)
            # After the records it reports on: the published autumn report to governors.
            counts |= demo_termly.seed_demo_termly_report(rng, people)
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {people.school.name}: {counts['pupils']} pupils on roll, "
                f"{counts['register']} on the SEN register, {counts['entries']} register entries "
                f"({time.monotonic() - started:.1f}s)."
            )
        )
        self.print_logins()

    def print_logins(self):
        from sendhub.models import User

        self.stdout.write(f"\nDemo logins (password for all: {sendhub_demo.DEMO_PASSWORD}):")
        for local, label in [
            ("senco", "SENCO"), ("head", "Senior leader"), ("teacher", "Teacher"),
            ("ta", "Teaching assistant"), ("governor", "Governor"), ("parent", "Parent"),
            ("trustlead", "Trust SEND lead"), ("admin", "School administrator"),
        ]:  # fmt: skip
            email = f"{local}@{sendhub_demo.DEMO_DOMAIN}"
            if User.objects.filter(email=email).exists():
                self.stdout.write(f"  {label:<22} {email}")
        if settings.SENDHUB_DEMO_SKIP_2FA:
            self.stdout.write(
                "Two-step sign-in is skipped for the demo (SENDHUB_DEMO_SKIP_2FA=1, set by "
                "make run; the deploy check refuses it in production)."
            )
        else:
            self.stdout.write(
                "Staff sign-ins ask for an authenticator app code; the first sign-in sets "
                "one up (docs/two-factor.md)."
            )
