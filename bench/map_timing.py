"""
`python -m bench.map_timing`: the school provision map's server time on the big school alone.

Builds only the big school (3,600 pupils, 200 running groups) in its own PostgreSQL
database (kept with --reuse), then renders the SENCO's school map in-process through the
whole middleware stack: warm-up requests first, then the median and slowest of --runs.
--profile prints a pyinstrument profile of one more request.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date

from bench.__main__ import DEFAULT_URL, ROOT, database


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="keep a database already built")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    url, fresh = database(
        os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL).rsplit("/", 1)[0] + "/sendhub_bench_map",
        smoke=False,
        reuse=args.reuse,
    )
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_SECRET_KEY="bench-only-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        DJANGO_DEBUG="0",
        DJANGO_EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONPATH=str(ROOT),
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from bench import build, measure
    from provision.models import ProvisionGroup
    from pupils.models import Pupil
    from sendhub.models import School

    call_command("migrate", verbosity=0)
    if fresh or not School.objects.exists():
        print("Building the big school only...")
        build.build(per_year=720, schools=2, pupils_per_school=0)
    school = School.objects.get(urn=build.BIG_SCHOOL_URN)
    running = ProvisionGroup.objects.filter(school=school).running_on(date.today()).count()
    pupils = Pupil.objects.filter(school=school).count()
    from demo.people import DEMO_DOMAIN

    client = Client()
    client.cookies["sessionid"] = measure.session_cookie(f"senco@{DEMO_DOMAIN}")
    url = reverse("provision:map")
    for _ in range(args.warmup):
        assert client.get(url).status_code == 200
    times, cpu = [], []
    for _ in range(args.runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200
    print(
        f"School provision map, {pupils:,} pupils, {running} running groups, "
        f"{len(response.content) // 1024} KB: median {statistics.median(times):.0f} ms, "
        f"slowest {max(times):.0f} ms over {args.runs} runs; Python CPU median "
        f"{statistics.median(cpu):.0f} ms (the rest is PostgreSQL and waiting for a core)"
    )
    baseline = []
    for _ in range(args.runs):
        started = time.perf_counter()
        client.get("/bench/baseline/")
        baseline.append((time.perf_counter() - started) * 1000)
    print(
        f"Baseline page (one query, same middleware): median {statistics.median(baseline):.0f} ms"
    )
    if args.profile:
        from pyinstrument import Profiler

        with Profiler() as profiler:
            client.get(url)
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
