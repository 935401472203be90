"""Census extract and register movement (DfE school census; docs/register.md)."""

from datetime import date

from django.db.models import Count, OuterRef, Q, Subquery

from pupils import codes
from pupils.models import RegisterEntry

CENSUS_COLUMNS = [
    "UPN",
    "Surname",
    "Forename",
    "Date of birth",
    "Year",
    "SEN provision",
    "SEN type rank 1",
    "SEN type rank 2",
]


def census_pupils(pupils, when):
    """Pupils on roll on a date with their register state on that date, by UPN."""
    return pupils.on_roll(on=when).with_register_state_on(when).order_by("upn", "pk")


def year_group_on(pupil, when, today):
    """
    The pupil's year group on a past date, counted back from the one on record.

    The record holds the year group now, or on leaving for a leaver; each school
    year between then and the date is one year group lower.
    """
    recorded_on = min(today, pupil.left_on) if pupil.left_on else today
    start = codes.school_year_bounds
    return pupil.year_group - (start(recorded_on)[0].year - start(when)[0].year)


def census_rows(pupils, when, *, today=None):
    """One row per pupil: UPN, SEN provision code and need types ranked 1 and 2 (K and E only)."""
    today = today or date.today()
    for pupil in census_pupils(pupils, when):
        code = codes.census_code_for_stage(pupil.stage_on)
        needs = (pupil.needs_on or []) if code != codes.CensusCode.N else []
        yield {
            "UPN": pupil.upn,
            "Surname": pupil.last_name,
            "Forename": pupil.first_name,
            "Date of birth": pupil.date_of_birth.isoformat(),
            "Year": year_group_on(pupil, when, today),
            "SEN provision": code.value,
            "SEN type rank 1": needs[0] if needs else "",
            "SEN type rank 2": needs[1] if len(needs) > 1 else "",
        }


def census_summary(rows):
    counts = {"N": 0, "K": 0, "E": 0}
    needs = {}
    for row in rows:
        counts[row["SEN provision"]] += 1
        if row["SEN type rank 1"]:
            needs[row["SEN type rank 1"]] = needs.get(row["SEN type rank 1"], 0) + 1
    return {
        "counts": counts,
        "total": sum(counts.values()),
        "needs": sorted(
            (
                {"code": code, "label": codes.NeedType(code).label, "count": n}
                for code, n in needs.items()
            ),
            key=lambda row: -row["count"],
        ),
    }


def movement(pupils, *, school_years, until=None):
    """
    Joiners and leavers of the register per term, one aggregate query per measure.

    joined_k / joined_e: entries that put a pupil on SEN support or straight onto an
    EHC plan from off the register; to_ehcp: moves from SEN support to an EHC plan;
    left: entries taking a pupil off the register; left_school: pupils who left the
    school while on the register.
    """
    terms = [
        term
        for year in school_years
        for term in codes.terms_of_school_year(year)
        if until is None or term[1] <= until
    ]
    entries = RegisterEntry.objects.filter(pupil__in=pupils).in_force().with_previous_stage()
    joins = RegisterEntry.objects.filter(pupil__in=pupils).joining_register()
    leaves = RegisterEntry.objects.filter(pupil__in=pupils).leaving_register()
    support = codes.stages_for_census_code("K")

    def per_term(queryset, condition, *, date_field="effective_on", pupil="pupil_id"):
        # A pupil who joins (or leaves) twice in one term counts once.
        return queryset.aggregate(
            **{
                f"t{index}": Count(
                    pupil,
                    distinct=True,
                    filter=condition & Q(**{f"{date_field}__range": (start, end)}),
                )
                for index, (_, start, end) in enumerate(terms)
            }
        )

    joined_k = per_term(joins, Q(stage__in=support))
    joined_e = per_term(joins, Q(stage=codes.SenStage.EHCP))
    to_ehcp = per_term(entries, Q(stage=codes.SenStage.EHCP, previous_stage__in=support))
    left = per_term(leaves, Q())
    left_school = per_term(
        left_school_while_on_register(pupils), Q(), date_field="left_on", pupil="pk"
    )
    return [
        {
            "label": label,
            "start": start,
            "end": end,
            "joined_k": joined_k[f"t{i}"],
            "joined_e": joined_e[f"t{i}"],
            "to_ehcp": to_ehcp[f"t{i}"],
            "left": left[f"t{i}"],
            "left_school": left_school[f"t{i}"],
        }
        for i, (label, start, end) in enumerate(terms)
    ]


def left_school_while_on_register(pupils):
    """Pupils who left the school while the register (as it stood that day) had them on it."""
    stage_on_leaving = (
        RegisterEntry.objects.in_force()
        .filter(pupil_id=OuterRef("pk"), effective_on__lte=OuterRef("left_on"))
        .order_by("-effective_on", "-pk")
        .values("stage")[:1]
    )
    return (
        pupils.filter(left_on__isnull=False)
        .annotate(stage_on_leaving=Subquery(stage_on_leaving))
        .filter(stage_on_leaving__in=codes.REGISTER_STAGES)
    )


def recent_school_years(today, count=3):
    """Start years of the last `count` school years, the current one last."""
    start = codes.school_year_bounds(today)[0].year
    return list(range(start - count + 1, start + 1))
