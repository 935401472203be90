"""Shared actors: one school with a person in every role, pupils in and out of their scope."""

import itertools
import os
from dataclasses import dataclass, replace
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from pupils.models import Pupil
from sendhub.roles import Role
from tests.factories import (
    MembershipFactory,
    ParentLinkFactory,
    PupilFactory,
    SchoolFactory,
    SupportAssignmentFactory,
    TeachingGroupFactory,
    TrustFactory,
    UserFactory,
)

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def run_slow_tests():
    """Slow tests run in CI (CI=true) or when asked for with SENDHUB_SLOW_TESTS=1."""
    ci = os.environ.get("CI", "").strip().lower()
    return ci not in ("", "0", "false", "no") or os.environ.get("SENDHUB_SLOW_TESTS") == "1"


TEMPLATE_ENV = "SENDHUB_TEST_DB_TEMPLATE_NAME"


def _hypothesis_profiles():
    """Property-based tests (tests/test_fuzz.py): a few random examples per test in
    `make test`; more in CI, drawn the same way on every run so CI cannot fail by chance."""
    from hypothesis import settings

    settings.register_profile("dev", max_examples=4, database=None)
    settings.register_profile("ci", max_examples=5, database=None, derandomize=True)
    settings.load_profile("ci" if run_slow_tests() else "dev")


def pytest_sessionstart(session):
    """The first process builds (or finds) the migrated template database (tests/db_template.py).

    It runs before pytest-xdist starts its workers, which inherit the template's name."""
    if hasattr(session.config, "workerinput"):
        return
    from tests import db_template

    template = db_template.ensure_template()
    if template:
        os.environ[TEMPLATE_ENV] = template


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request):
    """Each process starts from its own copy of the template instead of running migrations."""
    template = os.environ.get(TEMPLATE_ENV)
    if not template:
        # No template: pytest-django's usual per-worker suffix on the test database's name.
        request.getfixturevalue("django_db_modify_db_settings_parallel_suffix")
        yield
        return
    from tests import db_template

    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    copy = db_template.copy_for_this_process(template, worker)
    yield
    db_template.remove_copy(copy)


@pytest.fixture(scope="session")
def django_db_keepdb(request):
    """A template copy is opened as it is (nothing to migrate); it is removed by the fixture above."""
    return bool(os.environ.get(TEMPLATE_ENV)) or request.config.getvalue("reuse_db")


def pytest_configure(config):
    _hypothesis_profiles()


def restore_migration_data():
    """Put back the rows the migrations seed (the starter strategy library, the national
    figures shipped with SENDhub) when they are missing."""
    import importlib

    from provision.models import Strategy
    from sendhub.models import NationalComparison

    if not Strategy.objects.filter(school__isnull=True).exists():
        migration = importlib.import_module("reviews.migrations.0002_starter_strategies")
        Strategy.objects.bulk_create(
            Strategy(broad_area=area, layer=layer, title=title, text=text)
            for area, rows in migration.STARTER.items()
            for layer, title, text in rows
        )
    if not NationalComparison.objects.filter(school__isnull=True).exists():
        migration = importlib.import_module("sendhub.migrations.0007_national_comparisons")
        NationalComparison.objects.bulk_create(
            NationalComparison(
                year_label="2024/25",
                census_date=date(2025, 1, 16),
                source=migration.SOURCE,
                **figures,
            )  # fmt: skip
            for figures in migration.FIGURES_2024_25
        )


def _after_a_flush(sender, **kwargs):
    restore_migration_data()


@pytest.fixture(scope="session", autouse=True)
def _migration_data_survives_flushes(django_db_setup, django_db_blocker):
    """A live-server or transactional test empties every table when it ends; Django's flush
    then sends post_migrate, and this puts the migrations' rows back, so a test that runs
    after it on the same worker (pytest-xdist may hand it any test) still finds them."""
    from django.apps import apps
    from django.db.models.signals import post_migrate

    sendhub = apps.get_app_config("sendhub")
    post_migrate.connect(_after_a_flush, sender=sendhub, dispatch_uid="tests-migration-data")
    yield
    post_migrate.disconnect(sender=sendhub, dispatch_uid="tests-migration-data")


def _xdist_workers(config):
    return int(getattr(config, "workerinput", {}).get("workercount", 1))


def spread_slow_tests(items, *, workers):
    """The same tests, with the slow ones (half a minute to a minute each) at the start of
    each worker's share, a module at a time, so that no worker ends the run alone on a
    minute-long test while the others stand idle, and no module's shared setup (the seeded
    demo) is split between workers.

    pytest-xdist's worksteal scheduler first hands each of n workers a contiguous slice of
    the list: len // n tests to the first, then len(rest) // (n - 1), and so on; idle workers
    later steal from the end of busy workers' slices."""
    slow_modules, quick = {}, []
    for item in items:
        if item.get_closest_marker("slow"):
            slow_modules.setdefault(item.nodeid.split("::")[0], []).append(item)
        else:
            quick.append(item)
    shares = [[] for _ in range(workers)]
    for index, module_items in enumerate(slow_modules.values()):
        shares[index % workers].extend(module_items)
    ordered, remaining = [], len(items)
    for worker, share in enumerate(shares):
        size = remaining // (workers - worker)
        take = max(size - len(share), 0)
        ordered += share + quick[:take]
        quick = quick[take:]
        remaining -= size
    ordered += quick
    assert sorted(map(id, ordered)) == sorted(map(id, items)), "a test was lost or doubled"
    return ordered


def shared_world_last(items):
    """The same tests, with each run of a module's tests ordered so that those that take the
    shared world (module_world) come after those that do not: the world is then built once
    per run, as its transaction ends before any test that does not take it (ModuleWorld)."""
    ordered = []
    for _, module_items in itertools.groupby(items, key=lambda item: item.nodeid.split("::")[0]):
        ordered += sorted(module_items, key=lambda item: "module_world" in item.fixturenames)
    return ordered


def pytest_collection_modifyitems(config, items):
    if run_slow_tests():
        items[:] = shared_world_last(spread_slow_tests(items, workers=_xdist_workers(config)))
        return
    items[:] = shared_world_last(items)
    skip = pytest.mark.skip(reason="slow: runs in CI (CI=true) or with SENDHUB_SLOW_TESTS=1")
    for item in items:
        if item.get_closest_marker("slow"):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _fast_test_settings():
    """Settings every test shares, changed once for the session rather than for each test
    (each change sends setting_changed, and a changed STORAGES rebuilds the storages)."""
    from django.conf import settings

    with override_settings(
        PASSWORD_HASHERS=FAST_HASHERS,
        # Tests sign in with a password only; the two-step sign-in tests turn this off
        # (tests/sendhub/test_two_factor.py, tests/browser/test_two_factor.py).
        SENDHUB_DEMO_SKIP_2FA=True,
        # WhiteNoise looks a static file up when it is asked for, instead of listing
        # STATIC_ROOT each time a test client loads the middleware (once per test).
        WHITENOISE_AUTOREFRESH=True,
        STORAGES={
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    ):
        yield


@pytest.fixture(autouse=True)
def _own_media_folder(settings, tmp_path):
    """Each test's uploads go to a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class World:
    """A school with one person per role and pupils each role can or cannot see."""

    school: object
    other_school: object
    users: dict
    taught: Pupil  # taught by the teacher, supported by the TA, child of the parent
    untaught: Pupil  # same school, nobody's but the SEN team's
    elsewhere: Pupil  # another school of the same trust
    group: object

    def user(self, role):
        return self.users[role]

    def fresh(self):
        """The same rows as new instances, so no cached attribute outlives one test."""
        schools = _in_bulk(self.school, self.other_school)
        users = _in_bulk(*self.users.values())
        pupils = _in_bulk(self.taught, self.untaught, self.elsewhere)
        return replace(
            self,
            school=schools[self.school.pk],
            other_school=schools[self.other_school.pk],
            users={role: users[user.pk] for role, user in self.users.items()},
            taught=pupils[self.taught.pk],
            untaught=pupils[self.untaught.pk],
            elsewhere=pupils[self.elsewhere.pk],
            group=_in_bulk(self.group)[self.group.pk],
        )


def _in_bulk(*instances):
    model = type(instances[0])
    return model._default_manager.in_bulk([instance.pk for instance in instances])


def make_member(role, *, school=None, trust=None, **user_fields):
    user = UserFactory(**user_fields)
    if role == Role.TRUST_LEAD:
        MembershipFactory(user=user, role=role, school=None, trust=trust)
    else:
        MembershipFactory(user=user, role=role, school=school)
    return user


@pytest.fixture
def world(shared_world):
    """The test's school and people: the module's shared world (module_world, below), as
    fresh instances, with whatever the test writes rolled back after it. A test that commits
    (a live server, transactional_db) takes `own_world` instead."""
    return shared_world


@pytest.fixture
def own_world(db):
    """A world built for this test alone, for tests whose data must be committed."""
    return build_world()


def build_world():
    trust = TrustFactory()
    school = SchoolFactory(trust=trust, name="Oakfield Academy")
    other = SchoolFactory(trust=trust, name="Beechwood Primary")
    users = {
        role: make_member(role, school=school, trust=trust, first_name=role.label.split()[0])
        for role in Role
    }
    taught = PupilFactory(school=school, first_name="Taught", last_name="Pupil")
    untaught = PupilFactory(school=school, first_name="Untaught", last_name="Pupil")
    elsewhere = PupilFactory(school=other, first_name="Elsewhere", last_name="Pupil")
    group = TeachingGroupFactory(school=school, name="8 En1")
    group.teachers.add(users[Role.TEACHER])
    group.pupils.add(taught)
    SupportAssignmentFactory(staff=users[Role.TEACHING_ASSISTANT], pupil=taught)
    ParentLinkFactory(parent=users[Role.PARENT], pupil=taught)
    return World(
        school=school,
        other_school=other,
        users=users,
        taught=taught,
        untaught=untaught,
        elsewhere=elsewhere,
        group=group,
    )


class ModuleWorld:
    """A world built in a transaction of its own, which stays open while tests use the world.

    Each test that takes `world` runs in a savepoint inside that transaction (pytest-django's
    `db`), so whatever a test writes is rolled back before the next one, and it gets fresh
    instances of the shared rows. Building the world takes 56 queries; sharing it saves them
    for every test of a module after the first.

    No other test may run inside the transaction (it would see the world's rows, or commit
    inside it), so it ends as soon as the next test to run does not take this module's world
    (pytest_runtest_teardown, below). The run order is chosen to make that rare
    (shared_world_last), but pytest-xdist may still hand a worker a module's tests out of
    order; a test that finds its module's world ended builds a world of its own instead.

    Closing the connection would end the transaction and lose the world, so while it is open
    the connection ignores close() (a management command run by a test closes every
    connection when it ends), as Django's SQLite backend does for an in-memory database.
    """

    current = None  # the open one, if any (one per process: tests run one at a time)

    def __init__(self, blocker):
        self.blocker = blocker
        with blocker.unblock():
            self.outer = transaction.atomic()
            self.outer.__enter__()
            connection.close = _keep_open
            ModuleWorld.current = self
            try:
                with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
                    self.world = build_world()
            except BaseException:
                self.end()
                raise

    @property
    def is_open(self):
        return ModuleWorld.current is self

    def end(self):
        if not self.is_open:
            return
        ModuleWorld.current = None
        with self.blocker.unblock():
            try:
                transaction.set_rollback(True)
                self.outer.__exit__(None, None, None)
            finally:
                del connection.close  # the backend's own close() again


def _keep_open():
    """connection.close while a module's world is open: nothing is closed."""


def world_outlives(item, nextitem):
    """Whether the world's transaction stays open after item: only for a next test of the
    same module that takes the world."""
    return (
        nextitem is not None
        and nextitem.nodeid.split("::")[0] == item.nodeid.split("::")[0]
        and "module_world" in nextitem.fixturenames
    )


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the test's own fixtures first: its savepoint is rolled back
    if ModuleWorld.current is not None and not world_outlives(item, nextitem):
        ModuleWorld.current.end()


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The module's world (ModuleWorld), built before the module's first test that takes it."""
    shared = ModuleWorld(django_db_blocker)
    yield shared
    shared.end()


@pytest.fixture
def shared_world(request, module_world, db):
    """The module's world, as fresh instances for one test."""
    if not module_world.is_open:
        return build_world()  # ended for a test that ran in between: this test's own
    if len(connection.atomic_blocks) < 2:  # no savepoint of the test's own inside it
        pytest.fail("a transactional test flushes the database: give it its own `world`")
    return module_world.world.fresh()


def table_row_counts(app_labels, *, skip=()):
    """{table: rows} for every table of these apps (history and many-to-many tables included)
    but the models labelled in skip, counted in one query: tests compare two of these to show
    that a refused request wrote nothing."""
    from django.apps import apps

    tables = sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label in app_labels
            and model._meta.managed
            and not model._meta.proxy
            and model._meta.label not in skip
        }
    )
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT %s, COUNT(*) FROM {quote(table)}" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, tables)
        return dict(cursor.fetchall())


def get_counting_queries(client, url, params=None, *, warm=False, **headers):
    """GET url (after one warming GET when warm=True, for the session and per-process caches),
    assert a 200, and return the number of queries that GET ran and the response."""
    if warm:
        client.get(url, params or {}, **headers)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {}, **headers)
    assert response.status_code == 200, url
    return len(captured), response


def count_queries(client, url, params=None, *, warm=False, **headers):
    """The number of queries one GET of url runs (a 200); see get_counting_queries."""
    return get_counting_queries(client, url, params, warm=warm, **headers)[0]


@pytest.fixture
def login(client):
    """Sign the test client in as a user (in their first role)."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def senco_client(world, login):
    return login(world.user(Role.SENCO))
