"""
An existing database upgrades without losing a row.

The strategy library moved from reviews to provision (provision 0001, reviews 0004); both
change Django's state only. This test takes a
database full of demo data back to the layout before them (later migrations that depend
on them go back too, taking their own new tables), adds data through the OLD
models (a school, a pupil, a plan, a school strategy and its history), migrates forward
again and checks that every table has the rows it had and that the plan's strategies are
now provision.Strategy.
"""

from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from provision.models import Strategy
from reviews.models import PlanStrategy
from tests.factories import valid_upn

# The layout before the move: the last migration of each app the move touches.
OLD_LAYOUT = [
    ("reviews", "0003_agreements_withdrawn_when_draft_changes"),
    ("provision", None),
]
# What migrating back must unapply, and nothing more.
MOVE_MIGRATIONS = {
    ("reviews", "0004_strategy_library_moves_to_provision"),
    ("provision", "0001_strategy_library"),
}
# Tables whose every value (not only their count) must come through unchanged.
STRATEGY_TABLES = [
    "reviews_strategy",
    "reviews_historicalstrategy",
    "reviews_planstrategy",
    "reviews_historicalplanstrategy",
]


def row_counts():
    """Rows in every table but Django's own record of applied migrations."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names()):
            if table == "django_migrations":
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {qn(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def changed_counts(before, after):
    """{table: (rows before, rows after)} for each table whose count differs or that came or
    went (None for a table that is not there)."""
    return {
        table: (before.get(table), after.get(table))
        for table in sorted(before.keys() | after.keys())
        if before.get(table) != after.get(table)
    }


def kept_tables_changed(before, after):
    """Changes to tables that existed before: a lost table or a lost row. A table that a
    later migration creates (absent before, empty after) is not a change."""
    return {
        table: counts
        for table, counts in changed_counts(before, after).items()
        if counts[0] is not None
    }


def table_rows(table):
    """Every row of a table, column by column, ordered by its primary key."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
        columns = sorted(column.name for column in description)
        pk = connection.introspection.get_primary_key_column(cursor, table)
        cursor.execute(
            f"SELECT {', '.join(qn(c) for c in columns)} FROM {qn(table)} ORDER BY {qn(pk)}"
        )
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def applied_migrations():
    return set(MigrationExecutor(connection).loader.applied_migrations)


def add_old_layout_data(apps):
    """A second school that joined before the upgrade, written through the OLD models."""
    Trust = apps.get_model("sendhub", "Trust")
    School = apps.get_model("sendhub", "School")
    User = apps.get_model("sendhub", "User")
    Membership = apps.get_model("sendhub", "Membership")
    Pupil = apps.get_model("pupils", "Pupil")
    SupportPlan = apps.get_model("reviews", "SupportPlan")
    PlanStrategy = apps.get_model("reviews", "PlanStrategy")
    HistoricalPlanStrategy = apps.get_model("reviews", "HistoricalPlanStrategy")
    Strategy = apps.get_model("reviews", "Strategy")
    HistoricalStrategy = apps.get_model("reviews", "HistoricalStrategy")

    trust = Trust.objects.create(name="Riverside Learning Trust")
    school = School.objects.create(
        trust=trust,
        urn="139999",
        name="Millbrook School",
        phase="secondary",
        local_authority="Leeds",
    )
    senco = User.objects.create(
        email="senco@millbrook.example.test", first_name="Sam", last_name="Okafor", password="!"
    )
    Membership.objects.create(user=senco, school=school, role="senco")
    pupil = Pupil.objects.create(
        school=school,
        upn=valid_upn(999),
        first_name="Olly",
        last_name="Pre-Upgrade",
        date_of_birth=date(2013, 3, 14),
        year_group=8,
        joined_on=date(2024, 9, 1),
    )
    plan = SupportPlan.objects.create(
        pupil=pupil,
        assess_summary="Finds copying from the board slow.",
        review_due_on=date.today() + timedelta(weeks=12),
        created_by=senco,
    )

    # The school's own strategy, added and then reworded, with simple-history's two rows.
    ours = Strategy.objects.create(
        school=school,
        broad_area="CL",
        layer="targeted",
        title="Reading ruler",
        text="Use a coloured reading ruler for longer texts.",
        created_by=senco,
    )
    added = timezone.make_aware(datetime(2026, 10, 1, 9, 0))
    for history_type, when, text in [
        ("+", added, "Use a reading ruler."),
        ("~", added + timedelta(days=2), ours.text),
    ]:
        HistoricalStrategy.objects.create(
            id=ours.pk,
            school_id=school.pk,
            broad_area=ours.broad_area,
            layer=ours.layer,
            title=ours.title,
            text=text,
            created_by_id=senco.pk,
            history_date=when,
            history_type=history_type,
            history_user=senco,
        )

    starter = Strategy.objects.filter(school__isnull=True).order_by("pk").first()
    for order, strategy in enumerate([starter, ours], start=1):
        row = PlanStrategy.objects.create(
            plan=plan, order=order, text=strategy.text, strategy=strategy
        )
        HistoricalPlanStrategy.objects.create(
            id=row.pk,
            plan_id=plan.pk,
            order=order,
            text=row.text,
            strategy_id=strategy.pk,
            history_date=added,
            history_type="+",
            history_user=senco,
        )
    return plan, {starter.pk: starter.title, ours.pk: ours.title}


@pytest.mark.slow
@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="PostgreSQL only: SQLite rebuilds every table a migration touches, so taking the "
    "demo back through every later migration and forward again takes minutes there; the move "
    "itself changes Django's state only, the same on both",
)
@pytest.mark.django_db(transaction=True)
def test_old_layout_with_data_upgrades_without_losing_a_row():
    call_command("seed_demo", verbosity=0)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    at_start = applied_migrations()
    demo_counts = row_counts()

    try:
        # Back to the layout before the move: the three state-only migrations go, with any
        # later ones that depend on them (their own new tables go with them).
        executor.migrate(OLD_LAYOUT)
        assert at_start - applied_migrations() >= MOVE_MIGRATIONS
        # Every table still there keeps its rows (later features' own tables go back too).
        assert {
            table: counts
            for table, counts in kept_tables_changed(demo_counts, row_counts()).items()
            if counts[1] is not None
        } == {}
        # (Not migrate()'s return value: after this backwards run it still holds
        # provision.Strategy.)
        old_state = executor.loader.project_state(sorted(applied_migrations()))
        assert ("provision", "strategy") not in old_state.models
        old_link = old_state.models["reviews", "planstrategy"].fields["strategy"]
        assert old_link.related_model == "reviews.strategy"

        plan, strategy_titles = add_old_layout_data(old_state.apps)

        before = row_counts()
        assert before["reviews_historicalstrategy"] >= 2
        assert before["reviews_strategy"] >= 41  # the starter set and the school's own
        assert before["reviews_planstrategy"] > demo_counts["reviews_planstrategy"]
        values_before = {table: table_rows(table) for table in STRATEGY_TABLES}

        executor = MigrationExecutor(connection)  # a fresh loader reads the applied set again
        executor.migrate(latest)
    finally:
        # Whatever happened, leave the database at the latest state for the later tests.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert applied_migrations() == at_start
    after = row_counts()
    assert kept_tables_changed(before, after) == {}
    assert {table: table_rows(table) for table in STRATEGY_TABLES} == values_before

    # The NEW app registry reads the same rows: the plan's strategies are provision.Strategy.
    new_state = executor.loader.project_state(latest)
    assert ("reviews", "strategy") not in new_state.models
    new_link = new_state.models["reviews", "planstrategy"].fields["strategy"]
    assert new_link.related_model == "provision.strategy"
    rows = PlanStrategy.objects.filter(plan_id=plan.pk).select_related("strategy")
    assert {row.strategy.pk: row.strategy.title for row in rows} == strategy_titles
    assert all(type(row.strategy) is Strategy for row in rows)
    ours = Strategy.objects.get(school__name="Millbrook School")
    assert ours.title == "Reading ruler"
    assert [h.history_type for h in ours.history.order_by("history_date")] == ["+", "~"]
    assert Strategy.objects.filter(school__isnull=True).count() == 40
    linked = PlanStrategy.objects.filter(strategy_id__isnull=False)
    assert linked.count() == linked.filter(strategy__title__isnull=False).count()
