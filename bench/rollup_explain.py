"""The trust roll-up's queries on the benchmark trust: EXPLAIN ANALYZE execution time of each
(TIMING OFF: per-node timing of every row adds more than a cheap aggregate itself costs).

`python -m bench.rollup_explain` against an already-built benchmark database
(DATABASE_URL), or called by `python -m bench` after the pages are timed.
"""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext


def explain_rollup():
    """[(first words of the query, execution ms)] for each query school_rows runs."""
    from reports.trust.rollup import school_rows
    from sendhub.models import School

    schools = list(School.objects.filter(urn="137421").values_list("trust", flat=True))
    trust_schools = list(School.objects.filter(trust_id=schools[0]).order_by("name"))
    with CaptureQueriesContext(connection) as captured:
        school_rows(trust_schools)
    timings = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF, FORMAT TEXT) {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            ms = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
            table = re.search(r'FROM "(\w+)"', sql).group(1)
            if 'FROM "reviews_ehcplan"' in sql:
                table = "reviews_ehcplan"
            timings.append({"query": table, "schools": len(trust_schools), "ms": ms})
    return timings


if __name__ == "__main__":
    import os
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    for row in explain_rollup():
        print(f"{row['query']:<32} {row['ms']:8.1f} ms ({row['schools']} schools)")
