"""
One migrated template database per set of migrations, copied for each test process.

Running every migration takes about 20 s of CPU; with pytest-xdist each worker used to pay
it for its own test database. Instead the first process of a run (the xdist controller, or
the only process with -n0) builds a template once by running `migrate` in a subprocess,
named after a hash of every migration file, and each worker starts from a copy:
- SQLite: a file copy under var/test-db/, with journal and sync pragmas for speed;
- PostgreSQL: CREATE DATABASE ... TEMPLATE, which copies the files on the server.
The test database is then opened with keepdb, so Django's own `migrate` finds nothing to
apply (a second), and it is removed at the end of the session. A template left from an
earlier run with the same migrations is used again; a changed migration makes a new hash.
SENDHUB_TEST_DB_TEMPLATE=0 turns this off (Django builds each test database as usual).
"""

import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import django
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
SQLITE_DIR = ROOT / "var" / "test-db"


def enabled():
    return os.environ.get("SENDHUB_TEST_DB_TEMPLATE", "1") != "0"


def _vendor(db):
    engine = db["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    return None


def migrations_hash():
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _template_name(db, key):
    if _vendor(db) == "sqlite":
        return str(SQLITE_DIR / f"template-{key}.sqlite3")
    return f"test_{db['NAME']}_tpl_{key}"[:63]


@contextmanager
def _pg_admin(db):
    """A cursor on the server's maintenance database, in autocommit (CREATE DATABASE needs it)."""
    import psycopg2

    conn = psycopg2.connect(
        dbname="postgres",
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            yield cursor
    finally:
        conn.close()


def _pg_exists(cursor, name):
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _migrate_into(db, name):
    """Run every migration into database `name` in a child process with the same settings."""
    env = dict(os.environ, DJANGO_CONN_MAX_AGE="0")
    if _vendor(db) == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{name}"
    else:
        from urllib.parse import quote

        auth = quote(db.get("USER") or "")
        if db.get("PASSWORD"):
            auth += ":" + quote(db["PASSWORD"])
        host = db.get("HOST") or "localhost"
        port = f":{db['PORT']}" if db.get("PORT") else ""
        env["DATABASE_URL"] = f"postgres://{auth}@{host}{port}/{name}"
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--noinput", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )


def ensure_template():
    """Build the template for today's migrations unless it exists; return its name or None."""
    db = settings.DATABASES["default"]
    vendor = _vendor(db)
    if not enabled() or vendor is None:
        return None
    key = migrations_hash()
    name = _template_name(db, key)
    if vendor == "sqlite":
        if not Path(name).exists():
            SQLITE_DIR.mkdir(parents=True, exist_ok=True)
            building = f"{name}.{uuid.uuid4().hex}.building"
            _migrate_into(db, building)
            os.replace(building, name)  # atomic: a half-built template is never used
        return name
    with _pg_admin(db) as cursor:
        if _pg_exists(cursor, name):
            return name
        building = f"{name[:50]}_b{uuid.uuid4().hex[:8]}"
        cursor.execute(f'CREATE DATABASE "{building}"')
    try:
        _migrate_into(db, building)
        with _pg_admin(db) as cursor:
            if not _pg_exists(cursor, name):
                cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{name}"')
                building = None
    finally:
        if building:
            with _pg_admin(db) as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{building}"')
    return name


def copy_for_this_process(template, worker):
    """Copy the template to this process's own test database and point the settings at it."""
    db = settings.DATABASES["default"]
    suffix = f"{worker}_{os.getpid()}"
    if _vendor(db) == "sqlite":
        target = SQLITE_DIR / f"run-{suffix}.sqlite3"
        shutil.copyfile(template, target)
        db.setdefault("TEST", {})["NAME"] = str(target)
        # A throwaway copy: no journal on disk and no fsync (tests roll back, nothing to keep).
        db.setdefault("OPTIONS", {})["init_command"] = (
            "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF;"
        )
        return str(target)
    target = f"test_{db['NAME']}_{suffix}"[:63]
    with _pg_admin(db) as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        cursor.execute(f'CREATE DATABASE "{target}" TEMPLATE "{template}"')
    db.setdefault("TEST", {})["NAME"] = target
    return target


def remove_copy(target):
    from django.db import connections

    connections.close_all()
    db = settings.DATABASES["default"]
    if _vendor(db) == "sqlite":
        Path(target).unlink(missing_ok=True)
        return
    with _pg_admin(db) as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')


if __name__ == "__main__":
    # `python -m tests.db_template`: build (or find) the template for DATABASE_URL and print
    # its name (.ci/run starts the benchmark's smoke run from it instead of migrating again).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendhub.settings")
    django.setup()
    print(ensure_template() or "")
