"""MIS import screens: upload, check (map columns and preview every row), apply, result."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pupils.mis_import.apply import apply_preview
from pupils.mis_import.forms import ColumnMappingForm, ImportUploadForm
from pupils.mis_import.preview import SHOWN_LIMIT, build_preview
from pupils.mis_import.reading import (
    UPLOAD_AGAIN,
    ImportFileError,
    Sheet,
    save_mapping,
    suggest_mapping,
)
from pupils.models import ImportBatch, ImportMapping, Pupil

RECENT_BATCHES = 10


def _batch(request, pk):
    """A batch of the school the person is acting for now; any other is a 404."""
    batches = ImportBatch.objects.for_school(request.user.school)
    return get_object_or_404(batches, pk=pk)


def _preview(request, batch, sheet):
    return build_preview(
        sheet,
        school=batch.school,
        pupils=Pupil.objects.visible_to(request.user),
        mapping=batch.columns,
        full_roll=batch.full_roll,
        include_register=request.user.has_perm("pupils.change_register"),
    )


def _expired(request, batch):
    messages.warning(
        request,
        f"The upload “{batch.filename}” has expired: to protect pupils' data, files "
        "that are not applied are not kept. Upload the file again to check and apply it.",
    )
    return redirect("pupils:import")


def _upload_again(request, batch):
    """An upload kept from before files were read at upload, which could not be read since."""
    messages.warning(request, UPLOAD_AGAIN.format(filename=batch.filename))
    return redirect("pupils:import")


@require_http_methods(["GET", "POST"])
@permission_required("pupils.import_pupils", raise_exception=True)
def import_upload(request):
    """Upload an MIS export; it is kept, unapplied, until someone checks and applies it."""
    school = request.user.school
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        saved = ImportMapping.objects.filter(school=school).values_list("columns", flat=True)
        batch = ImportBatch.objects.create(
            school=school,
            uploaded_by=request.user,
            filename=form.cleaned_data["file"].name[:255],
            sheet=form.sheet.to_json(),
            columns=suggest_mapping(form.sheet.headers, saved=saved.first()),
            full_roll=form.cleaned_data["full_roll"],
        )
        return redirect("pupils:import_preview", pk=batch.pk)
    recent = ImportBatch.objects.for_school(school).defer("sheet")[:RECENT_BATCHES]
    return render(request, "pupils/import_upload.html", {"form": form, "recent": recent})


@require_http_methods(["GET", "POST"])
@permission_required("pupils.import_pupils", raise_exception=True)
def import_preview(request, pk):
    """Choose columns and see what applying would do, row by row; nothing is written."""
    batch = _batch(request, pk)
    if batch.is_applied:
        return redirect("pupils:import_result", pk=batch.pk)
    if batch.is_expired:
        return _expired(request, batch)
    if not batch.sheet:
        return _upload_again(request, batch)
    sheet = Sheet.from_json(batch.sheet)
    initial = {**batch.columns, "full_roll": batch.full_roll}
    form = ColumnMappingForm(request.POST or None, headers=sheet.headers, initial=initial)
    if form.is_valid():
        batch.columns = form.mapping()
        batch.full_roll = form.cleaned_data["full_roll"]
        batch.save(update_fields=["columns", "full_roll"])
        save_mapping(batch.school, batch.columns, request.user)
        messages.success(request, "Columns saved. They will be suggested next time too.")
        return redirect("pupils:import_preview", pk=batch.pk)
    preview, file_error = None, None
    try:
        preview = _preview(request, batch, sheet)
    except ImportFileError as exc:
        file_error = str(exc)
    limit = SHOWN_LIMIT
    return render(
        request,
        "pupils/import_preview.html",
        {
            "batch": batch,
            "form": form,
            "preview": preview,
            "counts": preview.counts() if preview else None,
            "file_error": file_error,
            "errors": preview.errors[:limit] if preview else [],
            "changed": preview.changed[:limit] if preview else [],
            "new": preview.new[:limit] if preview else [],
            "leaving": preview.leaving[:limit] if preview else [],
            "links_kept": preview.links_kept[:limit] if preview else [],
            "limit": limit,
        },
    )


@require_POST
@permission_required("pupils.import_pupils", raise_exception=True)
def import_apply(request, pk):
    """Apply the valid rows in one transaction; rows with errors are never applied."""
    batch = _batch(request, pk)
    try:
        with transaction.atomic():
            batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if batch.is_applied:
                messages.info(request, "This file has already been applied.")
                return redirect("pupils:import_result", pk=batch.pk)
            if batch.is_expired:
                return _expired(request, batch)
            if not batch.sheet:
                return _upload_again(request, batch)
            sheet = Sheet.from_json(batch.sheet)  # what the preview showed, not a reread
            try:
                preview = _preview(request, batch, sheet)
            except ImportFileError as exc:
                messages.error(request, str(exc))
                return redirect("pupils:import_preview", pk=batch.pk)
            result = apply_preview(preview, user=request.user, source=batch.filename)
            batch.status = ImportBatch.Status.APPLIED
            batch.applied_at = timezone.now()
            batch.result = result.as_dict()
            batch.sheet = {}  # the pupils' own history now records what changed
            batch.save()
            save_mapping(batch.school, batch.columns, request.user)
    except IntegrityError:
        # Another import added the same pupils a moment ago; nothing of this one was saved.
        messages.error(request, "Pupils changed while applying, so nothing was saved. Check again.")
        return redirect("pupils:import_preview", pk=batch.pk)
    messages.success(request, "Import applied.")
    return redirect("pupils:import_result", pk=batch.pk)


@require_GET
@permission_required("pupils.import_pupils", raise_exception=True)
def import_result(request, pk):
    """What an applied import changed and which rows it rejected."""
    batch = _batch(request, pk)
    if not batch.is_applied:
        return redirect("pupils:import_preview", pk=batch.pk)
    return render(request, "pupils/import_result.html", {"batch": batch})
