"""
The subject access export: every record SENDhub holds about one pupil (UK GDPR Art. 15).

A ZIP holding a readable PDF, JSON and CSV per model, the uploaded files, and a
checklist of what to review for redaction before release (UK GDPR Art. 15(4); Data
Protection Act 2018 Sch. 2 para 16, information about other people).
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePosixPath

from django.db import models
from django.utils import timezone

from privacy.registry import STAFF_NAMES, history_model, sections
from sendhub.models import AccessLog
from sendhub.pdf import render_pdf

ACCESS_LOG_HEADING = "Who opened the file (access log)"


@dataclass
class SectionRecords:
    heading: str
    label: str
    redaction: tuple
    fields: list  # [(attname, verbose label)]
    rows: list  # [{attname: value}] machine-readable
    readable: list  # [[(label, value in words)]] for the PDF
    history: list = field(default_factory=list)  # change history rows, machine-readable
    files: list = field(default_factory=list)  # [(path in the ZIP, storage file)]

    @property
    def file_label(self):
        return self.label.replace(".", "-")


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    return value


def _words(obj, model_field):
    if model_field.choices:
        return getattr(obj, f"get_{model_field.name}_display")()
    if model_field.is_relation:
        related = getattr(obj, model_field.name)
        return "" if related is None else str(related)
    value = getattr(obj, model_field.attname)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%d %b %Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d %b %Y}"
    if isinstance(value, models.fields.files.FieldFile):
        return PurePosixPath(value.name).name if value else ""
    if isinstance(value, list | dict):
        return json.dumps(value)
    return "" if value is None else str(value)


def _concrete(model):
    return [f for f in model._meta.concrete_fields]


def _queryset(section, pupil):
    model = section.model
    relations = [f.name for f in _concrete(model) if f.is_relation]
    return (
        model._default_manager.filter(**{section.path: pupil.pk})
        .select_related(*relations)
        .order_by("pk")
    )


def collect(pupil):
    """Every section's records about this pupil (a query or two per section)."""
    found = []
    for section in sections():
        model = section.model
        concrete = _concrete(model)
        objects = list(_queryset(section, pupil))
        records = SectionRecords(
            heading=section.heading,
            label=section.label,
            redaction=section.redaction,
            fields=[(f.attname, str(f.verbose_name)) for f in concrete],
            rows=[{f.attname: _plain(getattr(o, f.attname)) for f in concrete} for o in objects],
            readable=[
                [(str(f.verbose_name).capitalize(), _words(o, f)) for f in concrete]
                for o in objects
            ],
        )
        file_fields = [f for f in concrete if isinstance(f, models.FileField)]
        for obj in objects:
            for file_field in file_fields:
                stored = getattr(obj, file_field.attname)
                if stored:
                    name = PurePosixPath(stored.name).name
                    records.files.append((f"files/{records.file_label}/{obj.pk}-{name}", stored))
        historical = history_model(model)
        if historical is not None and objects:
            pk_name = model._meta.pk.attname
            history = historical._default_manager.filter(
                **{f"{pk_name}__in": [o.pk for o in objects]}
            ).order_by("history_date", "history_id")
            records.history = [
                {f.attname: _plain(getattr(h, f.attname)) for f in _concrete(historical)}
                for h in history
            ]
        found.append(records)
    found.append(_access_log(pupil))
    return found


def _access_log(pupil):
    entries = list(AccessLog.objects.for_pupil(pupil.pk).order_by("at", "pk"))
    names = ["at", "user_id", "role", "what", "path"]
    return SectionRecords(
        heading=ACCESS_LOG_HEADING,
        label="sendhub.AccessLog",
        redaction=(STAFF_NAMES,),
        fields=[(n, n) for n in names],
        rows=[{n: _plain(getattr(e, n)) for n in names} for e in entries],
        readable=[
            [
                ("When", f"{timezone.localtime(e.at):%d %b %Y %H:%M}"),
                ("Who", str(e.user or "a command-line run")),
                ("Role", e.get_role_display()),
                ("What", e.what),
            ]
            for e in entries
        ],
    )


def checklist_rows(found):
    """[(section, record id, reason)]: each record to review for redaction before release."""
    rows = []
    for records in found:
        for reason in records.redaction:
            for row in records.rows:
                rows.append((records.heading, row.get("id", row.get("at", "")), reason))
    return rows


def overview(pupil):
    """What the confirm page shows: each section's count and what to review (a query each)."""
    rows = [
        {
            "heading": section.heading,
            "count": section.model._default_manager.filter(**{section.path: pupil.pk}).count(),
            "redaction": section.redaction,
        }
        for section in sections()
    ]
    log = {
        "heading": ACCESS_LOG_HEADING,
        "count": AccessLog.objects.filter(pupil_id=pupil.pk).count(),
        "redaction": (STAFF_NAMES,),
    }
    rows.append(log)
    for row in rows:
        if not row["count"]:
            row["redaction"] = ()
    return rows


def _csv(records, rows, names):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in row.items()}
        )
    return out.getvalue()


def build_zip(pupil, *, requested_by, found=None):
    """The export as ZIP bytes."""
    found = collect(pupil) if found is None else found
    made_at = timezone.now()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        pdf = render_pdf(
            "privacy/pdf/subject_access.html",
            {
                "pupil": pupil,
                "school": pupil.school,
                "sections": found,
                "printed_on": made_at,
                "requested_by": requested_by,
                "document_title": f"Subject access export: {pupil.full_name}",
            },
        )
        archive.writestr("records.pdf", pdf)
        for records in found:
            base = f"data/{records.file_label}"
            names = [n for n, _ in records.fields]
            archive.writestr(f"{base}.json", json.dumps(records.rows, indent=2, default=str))
            archive.writestr(f"{base}.csv", _csv(records, records.rows, names))
            if records.history:
                history_names = list(records.history[0])
                archive.writestr(
                    f"{base}-history.json", json.dumps(records.history, indent=2, default=str)
                )
                archive.writestr(
                    f"{base}-history.csv", _csv(records, records.history, history_names)
                )
            for path, stored in records.files:
                try:
                    with stored.open("rb") as handle:
                        archive.writestr(path, handle.read())
                except FileNotFoundError:
                    archive.writestr(f"{path}.missing.txt", "This file is listed but not stored.")
        archive.writestr("review-before-release.csv", _checklist_csv(found))
        archive.writestr("README.txt", _readme(pupil, requested_by, made_at))
    return buffer.getvalue()


def _checklist_csv(found):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "record id", "review for redaction before release because"])
    writer.writerows(checklist_rows(found))
    return out.getvalue()


def _readme(pupil, requested_by, made_at):
    return (
        f"Subject access export for pupil {pupil.pk} ({pupil.full_name}), "
        f"{pupil.school.name}.\n"
        f"Made by {requested_by} on {timezone.localtime(made_at):%d %B %Y at %H:%M}.\n\n"
        "records.pdf                 every record, readable, one heading per section\n"
        "data/*.json, data/*.csv     the same records, machine-readable, one file per kind\n"
        "data/*-history.*            each record's change history (who changed what, when)\n"
        "files/                      uploaded files: evidence, photos, specialist reports\n"
        "review-before-release.csv   records to check for redaction before release: other\n"
        "                            people's information (UK GDPR Art. 15(4); Data Protection\n"
        "                            Act 2018 Sch. 2 para 16)\n"
    )
