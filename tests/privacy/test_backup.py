"""
Backup and restore (docs/backup.md): a pg_dump -Fc of a seeded database, restored with
pg_restore into a fresh database, holds every row. PostgreSQL only.
"""

import os
import subprocess
import uuid

import pytest
from django.db import connection

from tests.conftest import build_world
from tests.privacy.sar_data import enrich

pytestmark = [
    pytest.mark.slow,  # dumps and restores a whole database: seconds
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="pg_dump and pg_restore need PostgreSQL"
    ),
]

SAMPLED = ["pupils_pupil", "pupils_concern", "reviews_supportplan", "sendhub_accesslog"]


def _client_env():
    conf = connection.settings_dict
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = conf["PASSWORD"]
    args = ["-h", conf.get("HOST") or "127.0.0.1", "-U", conf.get("USER") or "postgres"]
    if conf.get("PORT"):
        args += ["-p", str(conf["PORT"])]
    return args, env


def _run(program, *args):
    client_args, env = _client_env()
    subprocess.run([program, *client_args, *args], check=True, env=env, capture_output=True)


def _snapshot(cursor, tables):
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    samples = {}
    for table in SAMPLED:
        # Each row as PostgreSQL's own text, so both sides compare the stored values.
        cursor.execute(f'SELECT t::text FROM "{table}" AS t ORDER BY t.id LIMIT 5')
        samples[table] = cursor.fetchall()
    return counts, samples


def test_a_dump_restored_into_a_fresh_database_holds_every_row(transactional_db, tmp_path):
    import psycopg2

    world = build_world()
    enrich(world)
    tables = sorted(connection.introspection.table_names())
    with connection.cursor() as cursor:
        before = _snapshot(cursor, tables)
    assert before[0]["pupils_pupil"] >= 3 and before[0]["reviews_supportplan"] >= 1

    dump = tmp_path / "sendhub.dump"
    restored = f"sendhub_restore_{uuid.uuid4().hex[:12]}"
    _run(
        "pg_dump",
        "--format=custom",
        "--no-owner",
        f"--file={dump}",
        connection.settings_dict["NAME"],
    )
    _run("psql", "-d", "postgres", "-c", f'CREATE DATABASE "{restored}"')
    try:
        _run("pg_restore", "--no-owner", "--exit-on-error", "-d", restored, str(dump))
        conf = connection.settings_dict
        target = psycopg2.connect(
            dbname=restored,
            host=conf.get("HOST") or "127.0.0.1",
            user=conf.get("USER") or "postgres",
            password=conf.get("PASSWORD") or None,
            port=conf.get("PORT") or None,
        )
        try:
            with target.cursor() as cursor:
                after = _snapshot(cursor, tables)
        finally:
            target.close()
    finally:
        _run("psql", "-d", "postgres", "-c", f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
    assert after[0] == before[0]  # every table's row count
    assert after[1] == before[1]  # a sample of records, column for column
