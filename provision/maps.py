"""
Provision maps (Code of Practice 6.76): who receives what, for how long, and at what cost.

Counting happens in SQL (ProvisionGroupQuerySet.with_costing, GroupMemberQuerySet.
with_delivery) but for the adults running each group; this module feeds those counts to provision/costing.py, which owns the
money arithmetic and its rounding, and lays the rows out by the section a map is read in.
docs/provision-costs.md explains the rules.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from html import escape as e

from django.utils.safestring import mark_safe

from provision import costing
from provision.models import CostSettings, GroupMember, NotionalBudget, ProvisionGroup, StaffRole
from pupils.codes import BroadArea, SenStage
from sendhub.text import is_digits

FINANCIAL, ACADEMIC = "fy", "ay"


@dataclass(frozen=True)
class Period:
    """A financial year (April to March) or an academic year (September to August)."""

    kind: str
    first: date
    last: date

    @classmethod
    def holding(cls, day, kind=ACADEMIC):
        bounds = costing.financial_year if kind == FINANCIAL else costing.academic_year
        return cls(kind, *bounds(day))

    @classmethod
    def from_key(cls, key, today=None):
        """The period a key such as "fy-2025" or "ay-2025" names; this academic year otherwise."""
        kind, _, year = (key or "").partition("-")
        if kind in (FINANCIAL, ACADEMIC) and is_digits(year) and 2000 <= int(year) <= 2100:
            month = 4 if kind == FINANCIAL else 9
            return cls.holding(date(int(year), month, 1), kind)
        return cls.holding(today or date.today())

    @property
    def first_last(self):
        return self.first, self.last

    @property
    def key(self):
        return f"{self.kind}-{self.first.year}"

    @property
    def label(self):
        name = "Financial year" if self.kind == FINANCIAL else "Academic year"
        return f"{name} {self.first.year}-{str(self.last.year)[-2:]}"

    @classmethod
    def choices(cls, today=None):
        today = today or date.today()
        periods = []
        for kind in (ACADEMIC, FINANCIAL):
            current = cls.holding(today, kind)
            for back in range(3):
                start = current.first.replace(year=current.first.year - back)
                periods.append(cls.holding(start, kind))
        return [(period.key, period.label) for period in periods]


@dataclass
class SchoolCosts:
    """What a school's provision cost over a period: each group, each place, each pupil."""

    period: Period
    settings: CostSettings
    group_costs: dict = field(default_factory=dict)
    group_hours: dict = field(default_factory=dict)
    place_costs: dict = field(default_factory=dict)
    pupil_totals: dict = field(default_factory=dict)
    budget: Decimal | None = None

    @property
    def total(self):
        return sum(self.group_costs.values(), Decimal("0.00"))

    @property
    def threshold(self):
        return self.settings.element_2_threshold

    def is_over_element_2(self, pupil_id):
        return costing.over_element_2(self.pupil_totals.get(pupil_id, 0), self.threshold)

    @property
    def pupils_over_element_2(self):
        return sum(1 for pupil_id in self.pupil_totals if self.is_over_element_2(pupil_id))

    @property
    def budget_left(self):
        return None if self.budget is None else self.budget - self.total


def school_costs(school, period):
    """
    Cost every group of a school over a period and share each group's cost among its
    places by the sessions attended (four queries, whatever the size of the school).
    """
    settings = CostSettings.for_school(school)
    rates = settings.hourly_costs
    groups = list(
        ProvisionGroup.objects.filter(school=school)
        .running_between(period.first, period.last)
        .with_costing(period.first, period.last)
        .select_related("intervention")
    )
    adults_of = _adults(school, [group.pk for group in groups])
    attended = defaultdict(dict)
    places = (
        GroupMember.objects.filter(group__school=school)
        .during(period.first, period.last)
        .with_delivery(period.first, period.last)
        .order_by("pk")
        .values_list("pk", "group_id", "pupil_id", "sessions_attended")
    )
    pupil_of = {}
    for pk, group_id, pupil_id, sessions in places:
        attended[group_id][pk] = sessions
        pupil_of[pk] = pupil_id

    costs = SchoolCosts(period=period, settings=settings)
    for group in groups:
        hours = Decimal(group.delivered_in_period * group.intervention.minutes_per_session) / 60
        adults = [rates[role] for role in adults_of.get(group.pk, [])]
        if not adults:
            # No member of staff named: cost one adult of the kind who usually delivers it.
            adults = [rates[group.intervention.staff_role]]
        resources = group.intervention.resource_cost if group.starts_in_period else 0
        cost = costing.group_cost(hours, adults, resources)
        costs.group_costs[group.pk] = cost
        costs.group_hours[group.pk] = hours
        for pk, share in costing.pupil_shares(cost, attended.get(group.pk, {})).items():
            costs.place_costs[pk] = share
            pupil_id = pupil_of[pk]
            costs.pupil_totals[pupil_id] = costs.pupil_totals.get(pupil_id, 0) + share

    if period.kind == FINANCIAL:
        budget = NotionalBudget.objects.filter(school=school, starts_in=period.first.year).first()
        costs.budget = budget.amount if budget else None
    return costs


def _adults(school, group_ids):
    """
    {group id: [StaffRole of each adult who runs it]}: costed at the teacher rate when
    their current role at the school is a teaching one, else at the TA rate when they are a
    TA there (two queries; a correlated count per group plans badly on PostgreSQL).
    """
    from provision.models.costs import TA_RATE_ROLES, TEACHER_RATE_ROLES
    from sendhub.models import Membership

    pairs = list(
        ProvisionGroup.staff.through.objects.filter(provisiongroup_id__in=group_ids).values_list(
            "provisiongroup_id", "user_id"
        )
    )
    roles = defaultdict(set)
    for user_id, role in (
        Membership.objects.current()
        .filter(school=school, user_id__in={user_id for _, user_id in pairs})
        .values_list("user_id", "role")
    ):
        roles[user_id].add(role)
    adults = defaultdict(list)
    for group_id, user_id in pairs:
        if roles[user_id] & set(TEACHER_RATE_ROLES):
            adults[group_id].append(StaffRole.TEACHER)
        elif roles[user_id] & set(TA_RATE_ROLES):
            adults[group_id].append(StaffRole.TEACHING_ASSISTANT)
    return adults


STAGE_LABELS = dict(SenStage.choices)
OVER_BADGE = ' <span class="badge text-bg-danger">over element 2</span>'

# The ways a map is read: the section each row falls in.
SECTIONS = {
    "": "Whole school",
    "year": "Year group",
    "form": "Class",
    "area": "Area of need",
    "layer": "Layer",
    "stage": "SEN support or EHC plan",
}


def _section_keys(place, by, school):
    pupil, intervention = place.pupil, place.group.intervention
    if by == "year":
        return [f"Year {pupil.year_group}" if pupil.year_group > 0 else "Reception"]
    if by == "form":
        return [pupil.form.name if pupil.form else "No form"]
    if by == "area":
        return [BroadArea(code).label for code in intervention.areas] or ["No area given"]
    if by == "layer":
        return [school.layer_label(intervention.layer)]
    if by == "stage":
        return [pupil.get_sen_stage_display()]
    return [SECTIONS[""]]


@dataclass
class MapRow:
    place: GroupMember
    cost: Decimal | None = None
    pupil_total: Decimal | None = None
    over_element_2: bool = False
    areas: str = ""  # the intervention's areas of need, worked out once per intervention

    @property
    def hours(self):
        minutes = self.place.group.intervention.minutes_per_session
        return Decimal(self.place.sessions_attended * minutes) / 60

    @property
    def planned_hours(self):
        minutes = self.place.group.intervention.minutes_per_session
        return Decimal(self.place.sessions_planned * minutes) / 60

    @property
    def cells(self):
        """
        The row's table cells as escaped HTML (templates/provision/includes/map_table.html).
        Built here rather than in the template: a school map has a row per place, and at
        a large school's 800 places the template's lookups were most of the page's time.
        """
        place, pupil = self.place, self.place.pupil
        group, intervention = place.group, place.group.intervention
        form = ""
        if pupil.form_id:
            form = f' <span class="small text-body-secondary">{e(pupil.form.name)}</span>'
        dates = _day(place.joined_on) + (f" to {_day(place.left_on)}" if place.left_on else "")
        html = (
            f"<td>{e(pupil.last_name)}, {e(pupil.first_name)}{form}"
            f"</td><td>{pupil.year_group}</td><td>{STAGE_LABELS.get(pupil.sen_stage, '')}</td>"
            f'<td>{e(intervention.name)} <span class="small text-body-secondary">'
            f"({e(group.name)}; {intervention.sessions_per_week} × "
            f"{intervention.minutes_per_session} min a week)</span></td>"
            f'<td>{e(self.areas)}</td><td>{dates}</td><td class="num text-end">'
            f"{place.sessions_attended} / {place.sessions_planned}</td>"
            f'<td class="num text-end">{_places(self.hours, "0.1")}</td>'
        )
        if self.cost is not None:
            over = self.over_element_2
            html += (
                f'<td class="num text-end">£{_places(self.cost, "0.01")}</td>'
                f'<td class="num text-end{" over fw-bold text-danger" if over else ""}">'
                f"£{_places(self.pupil_total, '0.01')}"
                f"{OVER_BADGE if over else ''}"
                "</td>"
            )
        return mark_safe(html)  # noqa: S308  # nosec B308, B703: every text value escaped above


def _day(day):
    return f"{day.day} {day:%b %Y}"


def _places(value, places):
    """A number to fixed places, rounded half up, as the floatformat filter shows it."""
    return str(Decimal(value).quantize(Decimal(places), rounding=ROUND_HALF_UP))


@dataclass
class MapSection:
    name: str
    rows: list = field(default_factory=list)

    @property
    def hours(self):
        return sum((row.hours for row in self.rows), Decimal(0))

    @property
    def cost(self):
        return sum((row.cost or 0 for row in self.rows), Decimal("0.00"))

    @property
    def pupil_count(self):
        return len({row.place.pupil_id for row in self.rows})


def provision_map(places, *, by="", school, costs=None, title=SECTIONS[""]):
    """Lay out a map's places (GroupMemberQuerySet.for_map) in sections, costed if given."""
    sections, areas = {}, {}
    for place in places:
        intervention = place.group.intervention
        if intervention.pk not in areas:
            areas[intervention.pk] = ", ".join(intervention.area_labels)
        row = MapRow(place, areas=areas[intervention.pk])
        if costs is not None:
            row.cost = costs.place_costs.get(place.pk, Decimal("0.00"))
            row.pupil_total = costs.pupil_totals.get(place.pupil_id, Decimal("0.00"))
            row.over_element_2 = costs.is_over_element_2(place.pupil_id)
        for key in _section_keys(place, by, school) if by else [title]:
            sections.setdefault(key, MapSection(key)).rows.append(row)
    return sorted(sections.values(), key=lambda section: section.name)


def map_totals(sections):
    """Totals over distinct places (a place in two areas of need is counted once)."""
    rows = {id(row.place): row for section in sections for row in section.rows}.values()
    return {
        "places": len(rows),
        "pupils": len({row.place.pupil_id for row in rows}),
        "hours": sum((row.hours for row in rows), Decimal(0)),
        "planned_hours": sum((row.planned_hours for row in rows), Decimal(0)),
        "cost": sum((row.cost or 0 for row in rows), Decimal("0.00")),
    }


def classes_for_map(user):
    """Classes whose map this person may open: the SEN team every class of their school,
    a teacher the classes they teach."""
    from pupils.models import TeachingGroup
    from sendhub.roles import SEN_TEAM

    classes = TeachingGroup.objects.at_school_of(user)
    if user.membership.role in SEN_TEAM:
        return classes
    return classes.filter(teachers=user)
