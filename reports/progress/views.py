"""
Termly progress data screens: the SENCO's analysis page, the MIS import (upload, check,
apply, result) and hand entry for a class.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pupils.codes import BroadArea
from pupils.mis_import.preview import SHOWN_LIMIT
from pupils.mis_import.reading import UPLOAD_AGAIN, ImportFileError, Sheet
from pupils.models import Pupil, TeachingGroup
from reports.progress import analysis
from reports.progress.forms import (
    ClassTermForm,
    ProgressUploadForm,
    PupilTermEntryForm,
    phase_subjects,
)
from reports.progress.importing import apply_preview, build_preview
from reports.progress.models import Assessment, ProgressImport, PupilTerm, Subject
from reports.progress.snapshot import current_term, replace_term, snapshots
from reports.progress.terms import Term

RECENT_IMPORTS = 10


def _term_from(request, school, name="term"):
    latest = current_term(school)
    slug = request.GET.get(name)
    if not slug:
        return latest
    try:
        term = Term.from_slug(slug)
    except ValueError:
        raise Http404("No such term") from None
    if term > latest:
        raise Http404("A term still to come")
    return term


@require_GET
@permission_required("reports.view_progress", raise_exception=True)
def progress_overview(request):
    """Attainment, progress, attendance and exclusions of pupils with SEN against peers."""
    school = request.user.school
    term = _term_from(request, school)
    by = request.GET.get("by") or "year_group"
    if by not in analysis.BREAKDOWNS:
        by = "year_group"
    terms = analysis.three_year_terms(term)
    context = {
        "term": term,
        "subjects": dict(Subject.choices),
        "terms": reversed(terms),
        "by": by,
        "by_label": analysis.BREAKDOWNS[by],
        "breakdowns": analysis.BREAKDOWNS,
        "sen_labels": analysis.SEN_LABELS,
        "attendance": _labelled(analysis.attendance_by_group(school, term)),
        "attainment": _labelled(analysis.attainment_by_group(school, term)),
        "breakdown": _labelled(analysis.attendance_by_group(school, term, by=by), by),
        "attainment_breakdown": _labelled(analysis.attainment_by_group(school, term, by=by), by),
        "over_time": analysis.gaps_over_time(school, terms),
        "trend": [
            {
                **row,
                "label": "Attendance"
                if row["measure"] == "attendance"
                else Subject(row["measure"]).label,
                "group_label": analysis.SEN_LABELS[row["sen_status"]],
            }
            for row in analysis.gap_trend(school, term)
        ],  # fmt: skip
    }
    return render(request, "reports/progress/overview.html", context)


def _value_label(by, value):
    if by == "year_group":
        return "Reception" if value == 0 else f"Year {value}"
    if by == "primary_area":
        return BroadArea(value).label if value else "None recorded"
    if by == "gender":
        return Pupil.Gender(value).label
    return "Yes" if value else "No"


def _labelled(rows, by=None):
    """The analysis rows with their groups in words, for the page."""
    for row in rows:
        row["group_label"] = analysis.SEN_LABELS[row["sen_status"]]
        if "subject" in row:
            row["subject_label"] = Subject(row["subject"]).label
        if by:
            row["by_label"] = _value_label(by, row[by])
    return rows


def _import(request, pk):
    return get_object_or_404(ProgressImport.objects.for_school(request.user.school), pk=pk)


def _upload_again(request, batch):
    """An upload kept from before files were read at upload, which could not be read since."""
    messages.warning(request, UPLOAD_AGAIN.format(filename=batch.filename))
    return redirect("reports:progress_import")


def _preview(request, batch):
    sheet = Sheet.from_json(batch.sheet)  # as read at upload: the file is never reread
    return build_preview(
        sheet,
        school=batch.school,
        term=batch.term_ref,
        pupils=Pupil.objects.visible_to(request.user),
    )


@require_http_methods(["GET", "POST"])
@permission_required("reports.import_progress", raise_exception=True)
def progress_import(request):
    """Upload a term's MIS export; nothing is saved until it is checked and applied."""
    school = request.user.school
    form = ProgressUploadForm(
        request.POST or None, request.FILES or None, latest=current_term(school)
    )
    if form.is_valid():
        term = form.cleaned_data["term"]
        batch = ProgressImport.objects.create(
            school=school,
            academic_year=term.year,
            term=term.term,
            uploaded_by=request.user,
            filename=form.cleaned_data["file"].name[:255],
            sheet=form.sheet.to_json(),
        )
        return redirect("reports:progress_import_preview", pk=batch.pk)
    recent = ProgressImport.objects.for_school(school).defer("sheet")[:RECENT_IMPORTS]
    return render(request, "reports/progress/import_upload.html", {"form": form, "recent": recent})


@require_GET
@permission_required("reports.import_progress", raise_exception=True)
def progress_import_preview(request, pk):
    """Every row checked: what applying would save, and the rows refused and why."""
    batch = _import(request, pk)
    if batch.is_applied:
        return redirect("reports:progress_import_result", pk=batch.pk)
    if not batch.sheet:
        return _upload_again(request, batch)
    preview, file_error = None, None
    try:
        preview = _preview(request, batch)
    except ImportFileError as exc:
        file_error = str(exc)
    return render(
        request,
        "reports/progress/import_preview.html",
        {
            "batch": batch,
            "preview": preview,
            "file_error": file_error,
            "counts": preview.counts() if preview else None,
            "errors": preview.errors[:SHOWN_LIMIT] if preview else [],
            "rows": preview.rows[:SHOWN_LIMIT] if preview else [],
            "limit": SHOWN_LIMIT,
            "columns_read": [preview.headers[at] for at in preview.columns.values()]
            if preview
            else [],
        },
    )


@require_POST
@permission_required("reports.import_progress", raise_exception=True)
def progress_import_apply(request, pk):
    """Replace the term's data with the file's valid rows, all at once or not at all."""
    batch = _import(request, pk)
    with transaction.atomic():
        batch = ProgressImport.objects.select_for_update().get(pk=batch.pk)
        if batch.is_applied:
            messages.info(request, "This file has already been applied.")
            return redirect("reports:progress_import_result", pk=batch.pk)
        if not batch.sheet:
            return _upload_again(request, batch)
        try:
            preview = _preview(request, batch)
        except ImportFileError as exc:
            messages.error(request, str(exc))
            return redirect("reports:progress_import_preview", pk=batch.pk)
        batch.result = apply_preview(
            preview, pupils=Pupil.objects.visible_to(request.user), user=request.user,
            source=batch.filename,
        )  # fmt: skip
        batch.status = ProgressImport.Status.APPLIED
        batch.applied_at = timezone.now()
        batch.sheet = {}
        batch.save()
    messages.success(request, f"{batch.term_ref.label} saved.")
    return redirect("reports:progress_import_result", pk=batch.pk)


@require_GET
@permission_required("reports.import_progress", raise_exception=True)
def progress_import_result(request, pk):
    batch = _import(request, pk)
    if not batch.is_applied:
        return redirect("reports:progress_import_preview", pk=batch.pk)
    return render(request, "reports/progress/import_result.html", {"batch": batch})


def _class_pupils(request, group):
    """The class's pupils whose term may be entered: leavers' files are archived."""
    return (
        Pupil.objects.writable_by(request.user)
        .filter(Q(form=group) | Q(teaching_groups=group))
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


@require_http_methods(["GET", "POST"])
@permission_required("reports.import_progress", raise_exception=True)
def progress_entry(request):
    """A class's term by hand, for schools without an MIS export: one row per pupil."""
    school = request.user.school
    latest = current_term(school)
    groups = TeachingGroup.objects.at_school_of(request.user).order_by("kind", "name")
    chooser = ClassTermForm(request.GET or None, groups=groups, latest=latest)
    context = {"chooser": chooser}
    if not request.GET or not chooser.is_valid():
        return render(request, "reports/progress/entry.html", context)
    group, term = chooser.cleaned_data["group"], chooser.cleaned_data["term"]
    subjects = phase_subjects(school)
    saved_rows = PupilTerm.objects.for_term(school, term).prefetch_related(
        Prefetch("assessments", queryset=Assessment.objects.order_by("subject"))
    )
    pupils = list(_class_pupils(request, group).prefetch_related(
        Prefetch("terms", queryset=saved_rows, to_attr="this_term")
    ))  # fmt: skip
    forms = [
        PupilTermEntryForm(
            request.POST or None,
            prefix=f"p{pupil.pk}",
            pupil=pupil,
            term=term,
            subjects=subjects,
            initial=PupilTermEntryForm.initial_for(next(iter(pupil.this_term), None)),
        )
        for pupil in pupils
    ]
    if request.method == "POST":
        if all(form.is_valid() for form in forms):
            planned = {
                form.pupil.pk: (form.values(), form.points) for form in forms if not form.is_blank()
            }
            facts = snapshots(Pupil.objects.filter(pk__in=planned), term)
            replace_term(
                school, term, planned, facts, user=request.user, source="Entered by hand",
                only_pupils=list(planned),
            )  # fmt: skip
            messages.success(
                request,
                f"{term.label} saved for {len(planned)} pupil{'s' if len(planned) != 1 else ''} in {group}.",
            )
            return redirect(f"{request.path}?{request.GET.urlencode()}")
        messages.error(request, "Some rows have problems: nothing was saved. See below.")
    context |= {"group": group, "term": term, "forms": forms, "subjects": subjects}
    return render(
        request,
        "reports/progress/entry.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
