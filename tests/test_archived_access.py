"""
A leaver's file is archived and read-only, whichever URL is used (docs/access.md).

The walk goes through every URL of the access matrix (tests/test_access.py) with the
objects its kwargs helper builds for the world's taught pupil, then marks that pupil as
having left yesterday and POSTs, as the SENCO (or, where the SENCO may not use the URL,
the first role that may). Each POST must be refused with 404, or with 405 where the URL
only reads, and must change no row. A new URL that changes a pupil's records without
looking them up through writable_by fails here until it does.
"""

import re
from datetime import date, timedelta

import pytest
from django.urls import Resolver404, resolve, reverse

from pupils.models import Pupil
from sendhub.roles import Role
from tests.provision import provision_data as provision
from tests.test_access import ACCESS, _row_counts, walk

# URLs naming no pupil: school settings, people, sign-in, catalogues and school-wide
# documents. A leaver's records cannot be reached through them, so they are not walked.
NO_PUPIL = {
    "sendhub:switch_role",
    "sendhub:school_settings",
    "sendhub:national_figures",
    "sendhub:people",
    "sendhub:person_add",
    "sendhub:person",
    "sendhub:person_invite",
    "sendhub:role_end",
    "sendhub:role_offer",
    "sendhub:two_factor_reset",
    "sendhub:trust_two_factor_reset",
    "sendhub:notification_read_all",
    "sendhub:notification_settings",
    "sendhub:job_status",
    "sendhub:job_download",
    "password_reset",
    "password_reset_confirm",
    "set_password",
    "two_factor_setup",
    "two_factor_manage",
    "two_factor_verify",
    "two_factor_recovery_codes",
    "pupils:class_detail",  # a class's teachers
    "pupils:instruments",
    "pupils:service_add",
    "provision:catalogue_starter",
    "provision:intervention_create",
    "provision:intervention_edit",
    "provision:group_create",
    "provision:cost_settings",
    "provision:strategy_create",
    "reviews:transfer_years_edit",
    "reviews:shortfall_tolerance_edit",
    "reviews:calendar_feed_create",
    "reviews:calendar_feed_revoke",
    "reviews:letterhead",
    "reports:information_report_start",
    "reports:information_report_edit",
    "reports:information_report_publish",
    "reports:self_evaluation_start",
    "reports:self_evaluation_edit",
    "reports:self_evaluation_finalise",
    "reports:termly_edit",
    "reports:termly_publish",
    "reports:termly_draft_pdf_prepare",
    "reports:class_view_pdf_prepare",
    "reports:progress_import",  # an upload; its rows are checked at apply (below)
    # The MIS import is where the school's system says who left and when; a leaver's
    # leaving date is set and corrected through it (tests/pupils/test_import.py).
    "pupils:import",
    "pupils:import_preview",
    "pupils:import_apply",
    # The subject access export reads a leaver's file (UK GDPR Art. 15): a job, no change.
    "privacy:subject_access",
    "privacy:subject_access_prepare",
}


def _session_log(world):
    """A delivered session of the reading group, with the leaver marked absent."""
    group = provision.reading_group(world)
    data = provision.log_data(status="delivered", absent=[world.taught.pk])
    return reverse("provision:session_log", args=[group.pk]), data


def _member_add(world):
    group = provision.reading_group(world)
    data = {"pupil": world.taught.pk, "joined_on": date.today().isoformat()}
    return reverse("provision:member_add", args=[group.pk]), data


def _concern_raise(world):
    data = {"pupil": world.taught.pk, "noticed": "Copies from a friend.", "contexts": "Maths"}
    return reverse("pupils:concern_raise"), data


def _progress_entry(world):
    url = reverse("reports:progress_entry") + f"?group={world.group.pk}&term=2025-autumn"
    prefix = f"p{world.taught.pk}"
    return url, {f"{prefix}-sessions_possible": "140", f"{prefix}-sessions_attended": "130"}


# URLs where the pupil comes in the form or the file, not the address: the leaver is not
# among the choices (or rows), so the form is refused, or saved without them, with this
# status. Nothing of theirs may change all the same.
IN_THE_FORM = {
    "provision:session_log": (_session_log, 302),  # refused: "not a member today"
    "provision:member_add": (_member_add, 400),
    "pupils:concern_raise": (_concern_raise, 200),
    "reports:progress_entry": (_progress_entry, 302),  # saved for nobody
    "reports:progress_import_apply": (None, 302),  # the leaver's row is refused
}


def _acting_role(access):
    """The SENCO, or the first role allowed to use the URL where the SENCO is not."""
    if access.expected[Role.SENCO] not in (403, 404):
        return Role.SENCO
    allowed = [role for role in Role if access.expected[role] not in (403, 404, 405)]
    return allowed[0] if allowed else Role.SENCO


def test_the_lists_name_urls_of_the_matrix():
    assert set(NO_PUPIL) - set(ACCESS) == set()
    assert set(IN_THE_FORM) - set(ACCESS) == set()
    assert NO_PUPIL & set(IN_THE_FORM) == set()


def _groups(names, role_of):
    """(role, names): the URLs grouped by the role that uses them and the function that makes
    their objects, so one test makes the objects once and walks each URL in a savepoint
    (tests/test_access.py: walk). A URL whose pupil comes in the form is a group of its own."""
    groups = {}
    for name in names:
        key = name if name in IN_THE_FORM else ACCESS[name].kwargs
        groups.setdefault((role_of(name), key), []).append(name)
    grouped = [(role, sorted(names)) for (role, _), names in groups.items()]
    return sorted(grouped, key=lambda group: (group[0], group[1]))


def _group_ids(groups):
    return [f"{role.name.lower()}-{names[0]}-{len(names)}" for role, names in groups]


def _leaves(world):
    Pupil.objects.filter(pk=world.taught.pk).update(left_on=date.today() - timedelta(days=1))


CHANGES = _groups(set(ACCESS) - NO_PUPIL, lambda name: _acting_role(ACCESS[name]))


@pytest.mark.parametrize(("role", "names"), CHANGES, ids=_group_ids(CHANGES))
def test_a_leavers_records_cannot_be_changed_through_any_url(client, world, role, names):
    maker = ACCESS[names[0]].kwargs
    kwargs = maker(world, role, True) if maker else {}
    client.force_login(world.user(role))

    def check(name):
        access = ACCESS[name]
        url, data = reverse(name, kwargs=kwargs), access.data
        build, refused = IN_THE_FORM.get(name, (None, 404))
        if build is not None:
            url, data = build(world)
        _leaves(world)
        before = _row_counts()
        response = client.post(url, data)
        if response.status_code != 405:  # 405: the URL only reads
            assert response.status_code == refused, response.status_code
        assert _row_counts() == before, "rows changed"

    walk(client, names, check)


def test_the_groups_hold_every_url_once():
    assert sorted(name for _, names in CHANGES for name in names) == sorted(set(ACCESS) - NO_PUPIL)
    assert sorted(name for _, names in PAGES for name in names) == PUPIL_PAGES


# Forms a leaver's pages may still show: signing out, switching role, exports, and forms
# about other pupils or the school, which refuse the leaver themselves (above).
READ_FORMS = {"logout", "sendhub:switch_role", "privacy:subject_access_prepare"}
READ_FORMS |= set(IN_THE_FORM) | NO_PUPIL
FORM_ACTION = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]+)"')
LINK = re.compile(r'href="(/[^"#?]*)')
# The pages about one pupil that the SEN team reads, found from the matrix.
PUPIL_PAGES = sorted(
    name
    for name, access in ACCESS.items()
    if access.method == "get" and access.kwargs is not None and name not in NO_PUPIL
    and access.expected[Role.SENCO] == 200
)  # fmt: skip


PAGES = _groups(PUPIL_PAGES, lambda name: Role.SENCO)


@pytest.mark.parametrize(("role", "names"), PAGES, ids=_group_ids(PAGES))
def test_a_leavers_pages_offer_no_change(client, world, role, names):
    """Still readable, with no form that changes the file and no link to a refused page."""
    kwargs = ACCESS[names[0]].kwargs(world, Role.SENCO, True)
    _leaves(world)
    client.force_login(world.user(Role.SENCO))
    # Links already found to open, from an earlier page of the group: the pages of one pupil
    # link to each other, and every page starts from the same rows (walk), so a link that
    # opened from one page opens from the next.
    opened = set()

    def check(name):
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        if response.status_code == 404:  # a page for changing the file: refused (walk above)
            return
        assert response.status_code == 200, response.status_code
        if not response["Content-Type"].startswith("text/html"):
            return
        page = response.content.decode()
        forms = {resolve(action).view_name for action in FORM_ACTION.findall(page)}
        assert forms <= READ_FORMS, forms - READ_FORMS
        for link in sorted(set(LINK.findall(page)) - {url} - opened):
            try:
                resolve(link)
            except Resolver404:
                continue
            assert client.get(link).status_code != 404, link
            opened.add(link)

    walk(client, names, check)
