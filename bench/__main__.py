"""
`python -m bench` (make bench): build the benchmark database on PostgreSQL, serve it with
gunicorn (2 workers, production-like settings, persistent connections) and time each
role's key pages against a baseline page. --smoke: tiny data, one round (CI).

Prints a table and writes JSON (bench/results/*.json, git-ignored). See README "Benchmark".
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sendhub_bench"

FULL = {"per_year": 720, "schools": 100, "pupils_per_school": 725, "connections": 4,
        "warmup": 8, "rounds": 3, "requests": 48, "pdf_repeats": 3, "import_rows": 2500}  # fmt: skip
SMOKE = {"per_year": 175, "schools": 4, "pupils_per_school": 30, "connections": 2,
         "warmup": 1, "rounds": 1, "requests": 2, "pdf_repeats": 1, "import_rows": 50}  # fmt: skip


def parse_args():
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny data, one round (seconds)")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database: build only if it has no data"
    )
    parser.add_argument(
        "--template",
        help="copy this already migrated PostgreSQL database instead of migrating an empty one "
        "(CI passes the test suite's template)",
    )
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", "8190")))
    parser.add_argument("--output", help="JSON results path (default bench/results/...)")
    parser.add_argument("--only", help="comma-separated page names to time")
    return parser.parse_args()


def database(url, *, smoke, reuse, template=None):
    """Create the benchmark database (dropping an old one unless --reuse); return its URL."""
    import psycopg2
    from psycopg2.extensions import ISOLATION_LEVEL_AUTOCOMMIT

    base, name = url.rsplit("/", 1)
    if smoke:
        name = f"{name}_smoke"
    admin = psycopg2.connect(f"{base}/postgres")
    admin.set_isolation_level(ISOLATION_LEVEL_AUTOCOMMIT)
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        exists = cursor.fetchone() is not None
        fresh = not (exists and reuse)
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            copy = f' TEMPLATE "{template}"' if template else ""
            cursor.execute(f'CREATE DATABASE "{name}"{copy}')
    admin.close()
    return f"{base}/{name}", fresh


def free_port(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def main():
    args = parse_args()
    sizes = SMOKE if args.smoke else FULL
    url, fresh = database(
        os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
        smoke=args.smoke,
        reuse=args.reuse,
        template=args.template,
    )
    media = tempfile.mkdtemp(prefix="sendhub-bench-media-")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_CONN_MAX_AGE": "60",
        "SENDHUB_MEDIA_ROOT": media,
        "DJANGO_DEBUG": "0",
        "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("REDIS_URL", None) if args.smoke else None
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from bench import build, measure

    results = {"mode": "smoke" if args.smoke else "full", "sizes": sizes, "database": url}
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    results["migrate_seconds"] = round(time.monotonic() - started, 1)
    from sendhub.models import School

    if fresh or not School.objects.exists():
        print(f"Building benchmark data ({results['mode']})...")
        _, timings = build.build(
            per_year=sizes["per_year"],
            schools=sizes["schools"],
            pupils_per_school=sizes["pupils_per_school"],
        )
        results["build_seconds"] = {k: round(v, 1) for k, v in timings.items()}
    else:
        build.ensure_termly_report()  # the governors' report the pages below time
    results["data"] = measure.data_sizes()
    print("Data:", ", ".join(f"{k} {v:,}" for k, v in results["data"].items()))

    if not free_port(args.port):
        sys.exit(f"Port {args.port} is in use: pass --port or BENCH_PORT.")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "sendhub.wsgi", "--workers", "2",
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning", "--timeout", "120"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        measure.wait_for(args.port)
        only = set(args.only.split(",")) if args.only else None
        results |= measure.run(args.port, sizes, only=only)
    finally:
        server.terminate()
        server.wait(timeout=30)
    from bench.rollup_explain import explain_rollup

    results["rollup_queries"] = explain_rollup()
    if not args.only:
        results["import_seconds"] = measure.time_import(sizes["import_rows"])
    measure.print_table(results)
    out = Path(args.output) if args.output else ROOT / "bench" / "results" / (
        f"{results['mode']}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    )  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str))
    print(f"Results written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
