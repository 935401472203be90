"""Timing the pages: sessions per role, a bounded keep-alive client, PDFs and the MIS import."""

import csv
import http.client
import statistics
import tempfile
import threading
import time
from io import StringIO
from pathlib import Path

from django.test import Client
from django.urls import reverse

# (name, role, kind): the kind sets the target as a multiple of the baseline's median.
TARGETS = {"detail": 4, "list": 8, "dashboard": 10}


def data_sizes():
    from provision.models import ProvisionGroup, Session
    from pupils.models import Concern, Passport, Pupil
    from reviews.models import EHCPlan, SupportPlan
    from sendhub.models import School

    return {
        "schools": School.objects.count(),
        "pupils": Pupil.objects.count(),
        "big school pupils": Pupil.objects.filter(school__urn="137421").count(),
        "on register": Pupil.objects.on_register().count(),
        "support plans": SupportPlan.objects.count(),
        "EHC plans": EHCPlan.objects.count(),
        "passports": Passport.objects.count(),
        "concerns": Concern.objects.count(),
        "provision groups": ProvisionGroup.objects.count(),
        "sessions": Session.objects.count(),
    }


def wait_for(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/health/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on port {port}")


def session_cookie(email, school_urn=None):
    """A signed-in session for a demo person, in the role held at school_urn if given."""
    from sendhub.middleware import SESSION_MEMBERSHIP_KEY
    from sendhub.models import User

    user = User.objects.get(email=email)
    client = Client()
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    session = client.session
    if school_urn:
        membership = user.memberships.get(school__urn=school_urn)
        session[SESSION_MEMBERSHIP_KEY] = membership.pk
    # Signed in with a second step, as staff who open SEN files are (docs/two-factor.md): the
    # pages are timed with the verified session's device lookup included.
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="Bench", confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client.cookies["sessionid"].value


def pages():
    """(name, role email, kind, url) for each page timed, on the big school's data."""
    from demo.people import DEMO_DOMAIN
    from pupils.models import Pupil, TeachingGroup
    from reports.termly.models import TermlyReportVersion
    from reviews.models import SupportPlan
    from sendhub.models import School, User

    school = School.objects.get(urn="137421")
    teacher = User.objects.get(email=f"teacher@{DEMO_DOMAIN}")
    plan = (
        SupportPlan.objects.current()
        .filter(pupil__school=school, pupil__passport__isnull=False)
        .order_by("pk")
        .first()
    )
    pupil = plan.pupil if plan else Pupil.objects.filter(school=school).first()
    group = TeachingGroup.objects.filter(school=school, teachers=teacher).order_by("pk").first()
    senco, gov, lead = (f"{who}@{DEMO_DOMAIN}" for who in ("senco", "governor", "trustlead"))
    rows = [
        ("baseline", senco, "baseline", "/bench/baseline/"),
        ("SENCO home", senco, "dashboard", reverse("reports:home")),
        ("SEN register", senco, "list", reverse("pupils:register")),
        ("pupil profile", senco, "detail", reverse("pupils:detail", args=[pupil.pk])),
        ("passport", senco, "detail", reverse("pupils:passport", args=[pupil.pk])),
        ("triage queue", senco, "list", reverse("pupils:concern_queue")),
        ("provision map", senco, "dashboard", reverse("provision:map")),
        ("EHCP compliance", senco, "dashboard", reverse("reviews:ehc_compliance")),
        ("teacher home", teacher.email, "dashboard", reverse("reports:home")),
        ("class view", teacher.email, "list", reverse("reports:class_view")),
        ("governor home", gov, "dashboard", reverse("reports:home")),
        ("trust roll-up", lead, "dashboard", reverse("reports:home")),
        ("trust school", lead, "detail", reverse("reports:trust_school", args=[school.pk])),
    ]
    report = TermlyReportVersion.objects.filter(report__school=school).order_by("-pk").first()
    if report:
        rows.append(
            ("governor report", gov, "detail", reverse("reports:termly_version", args=[report.pk]))
        )
    if plan:
        rows.insert(5, ("plan", senco, "detail", reverse("reviews:plan_detail", args=[plan.pk])))
    if group:
        rows.append(
            ("class (pupils)", senco, "list", reverse("pupils:class_detail", args=[group.pk]))
        )
    pdfs = [("passport PDF", senco, reverse("pupils:passport_pdf", args=[pupil.pk])),
            ("class sheet PDF", teacher.email, reverse("reports:class_view_pdf"))]  # fmt: skip
    if report:
        pdfs.append(
            ("governor report PDF", gov, reverse("reports:termly_version_pdf", args=[report.pk]))
        )
    if plan:
        pdfs.insert(1, ("plan PDF", senco, reverse("reviews:plan_pdf", args=[plan.pk])))
    return rows, pdfs


def _get(connection, url, cookie):
    connection.request("GET", url, headers={"Cookie": f"sessionid={cookie}"})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise SystemExit(f"GET {url} answered {response.status}")
    timing = response.getheader("Server-Timing", "app;dur=0").split("dur=")[1]
    return float(timing), int(response.getheader("X-Queries", "0"))


BASELINE_SAMPLES = 8


def hammer(port, url, cookie, *, connections, requests):
    """`requests` GETs per connection on `connections` keep-alive connections at once;
    return (server times in ms, queries of the last request, requests per second)."""
    times, queries, lock = [], [0], threading.Lock()

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        for _ in range(requests):
            ms, queries[0] = _get(connection, url, cookie)
            mine.append(ms)
        connection.close()
        with lock:
            times.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return times, queries[0], connections * requests / elapsed


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(port, sizes, *, only=None):
    rows, pdfs = pages()
    cookies = {}
    memberships = {"senco": "137421"}
    results = {"pages": [], "pdfs": []}
    # The baseline is a few milliseconds, so a handful of slow requests moves it (and every
    # ratio) by a fifth: it gets BASELINE_SAMPLES times the requests, half timed before the
    # pages and half after them, and its median is taken over both halves.
    baseline_rounds = []

    def time_page(url, cookie, *, scale=1):
        hammer(port, url, cookie, connections=1, requests=sizes["warmup"] * scale)
        return [
            hammer(port, url, cookie, connections=sizes["connections"],
                   requests=(sizes["requests"] * scale) // sizes["connections"] or 1)
            for _ in range(sizes["rounds"])
        ]  # fmt: skip

    for name, who, kind, url in rows:
        if only and name not in only and name != "baseline":
            continue
        if who not in cookies:
            cookies[who] = session_cookie(who, memberships.get(who.split("@")[0]))
        if kind == "baseline":
            rounds = baseline_rounds
            rounds += time_page(url, cookies[who], scale=BASELINE_SAMPLES // 2)
        else:
            rounds = time_page(url, cookies[who])
        times = [ms for round_times, _, _ in rounds for ms in round_times]
        results["pages"].append(
            {
                "page": name,
                "role": who.split("@")[0],
                "kind": kind,
                "url": url,
                "queries": rounds[-1][1],
                "median_ms": round(statistics.median(times), 2),
                "p95_ms": round(p95(times), 2),
                "req_per_s": round(statistics.median(r[2] for r in rounds), 1),
                "rounds_median_ms": [round(statistics.median(r[0]), 2) for r in rounds],
            }
        )
        print(f"  timed {name}")
    baseline = results["pages"][0]
    _, who, _, url = rows[0]
    baseline_rounds += time_page(url, cookies[who], scale=BASELINE_SAMPLES // 2)
    times = [ms for round_times, _, _ in baseline_rounds for ms in round_times]
    baseline["median_ms"] = round(statistics.median(times), 2)
    baseline["p95_ms"] = round(p95(times), 2)
    baseline["req_per_s"] = round(statistics.median(r[2] for r in baseline_rounds), 1)
    baseline["rounds_median_ms"] = [round(statistics.median(r[0]), 2) for r in baseline_rounds]
    base = baseline["median_ms"]
    for page in results["pages"]:
        page["ratio"] = round(page["median_ms"] / base, 2)
        target = TARGETS.get(page["kind"])
        page["target"] = target
        page["within_target"] = None if target is None else page["ratio"] <= target
    for name, who, url in pdfs if only is None else []:
        if who not in cookies:
            cookies[who] = session_cookie(who, memberships.get(who.split("@")[0]))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        _get(connection, url, cookies[who])  # warm: fonts and styles loaded once
        walls = []
        for _ in range(sizes["pdf_repeats"]):
            started = time.perf_counter()
            _get(connection, url, cookies[who])
            walls.append((time.perf_counter() - started) * 1000)
        results["pdfs"].append({"pdf": name, "median_ms": round(statistics.median(walls), 1)})
    return results


def time_import(rows):
    """Seconds for `import_pupils --full-roll` of a `rows`-pupil SIMS file into a new school,
    then the same file again (all unchanged)."""
    from django.core.management import call_command
    from stdnum.gb import upn as stdnum_upn

    from sendhub.models import School

    taken = School.objects.filter(urn__startswith="999").count()  # earlier runs' schools
    school = School.objects.create(
        urn=f"{999001 + taken}", name="Import Bench School", phase="secondary",
        local_authority="Leeds",
    )  # fmt: skip
    header = ["UPN", "Legal Surname", "Legal Forename", "Preferred Forename", "DOB", "Gender",
              "NC Year", "Reg Group", "SEN Status", "Primary Need", "Secondary Need",
              "Admission Date", "FSM Eligible", "EAL"]  # fmt: skip
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    statuses = ["N"] * 8 + ["K", "E"]
    for n in range(rows):
        body = f"383{4012:04d}{10 + n // 1000:02d}{n % 1000:03d}"
        status = statuses[n % 10]
        writer.writerow([stdnum_upn.calc_check_digit(body) + body, f"Surname{n}", f"Forename{n}",
                         "", "03/09/2012", "F", str(7 + n % 5), f"{7 + n % 5}{'ABCDEFG'[n % 7]}",
                         status, "SEMH" if status != "N" else "", "", "01/09/2023", "N", "N"])  # fmt: skip
    path = Path(tempfile.mkdtemp(prefix="sendhub-bench-")) / "roll.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    timings = {}
    for label in ("first import", "reimport unchanged"):
        started = time.perf_counter()
        call_command("import_pupils", str(path), "--school", school.urn, "--full-roll",
                     stdout=StringIO())  # fmt: skip
        timings[label] = round(time.perf_counter() - started, 2)
    return timings


def print_table(results):
    print()
    print(f"{'page':<18}{'role':<11}{'queries':>8}{'median ms':>11}{'p95 ms':>9}{'req/s':>8}"
          f"{'x base':>8}{'target':>8}  ok")  # fmt: skip
    for page in results["pages"]:
        ok = {True: "yes", False: "NO", None: ""}[page["within_target"]]
        target = f"<={page['target']}" if page["target"] else ""
        print(f"{page['page']:<18}{page['role']:<11}{page['queries']:>8}{page['median_ms']:>11}"
              f"{page['p95_ms']:>9}{page['req_per_s']:>8}{page['ratio']:>8}{target:>8}  {ok}")  # fmt: skip
    print()
    for pdf in results["pdfs"]:
        print(f"{pdf['pdf']:<18}{pdf['median_ms']:>10} ms (wall, warm)")
    for row in results.get("rollup_queries", []):
        print(f"roll-up query on {row['query']:<24}{row['ms']:>8} ms ({row['schools']} schools)")
    for label, seconds in results.get("import_seconds", {}).items():
        print(f"MIS import {results['sizes']['import_rows']} rows, {label}: {seconds} s")
