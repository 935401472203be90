"""
Pupil documents as PDFs (SEND-reference.md §7 "Pupil documents"), drawn with WeasyPrint
from the same template bodies as the pages, styled by static/css/print.css.

WeasyPrint is imported inside functions: it is heavy and only PDF requests need it.
"""

import base64
import mimetypes
from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from pupils.models import OnePageProfile, Passport, Pupil, ReadReceipt
from sendhub.decorators import permission_required_any
from sendhub.models import AccessLog

# Relative URLs in PDF templates resolve against this; nothing is fetched from it.
PDF_BASE_URL = "https://sendhub.invalid/"


def _static_fetcher():
    """A URL fetcher that serves our static files from disk and refuses everything else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    class StaticFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            path = parts.path
            ours = f"{parts.scheme}://{parts.netloc}/" == PDF_BASE_URL
            found = (
                ours
                and path.startswith(static_prefix)
                and finders.find(path.removeprefix(static_prefix))
            )
            if not found:
                raise ValueError(f"PDFs may only use our own static files, not {url}")
            with open(found, "rb") as handle:
                body = handle.read()
            content_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": content_type})

    return StaticFetcher(allowed_protocols=["https", "data"])


def render_pdf(template_name, context, *, request=None):
    """Render a template to PDF bytes."""
    from weasyprint import HTML

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=_static_fetcher()).write_pdf()


def pdf_response(pdf, *, filename):
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    return response


def document_context(pupil, title, **extra):
    return {
        "pupil": pupil,
        "school": pupil.school,
        "document_title": title,
        "printed_on": date.today(),
        **extra,
    }


def _pupil(request, pk):
    return get_object_or_404(Pupil.objects.visible_to(request.user).for_summary(), pk=pk)


def passport_context(pupil, *, plan_targets=None):
    passport = get_object_or_404(
        Passport.objects.select_related("current"), pupil=pupil, current__isnull=False
    )
    passport.pupil = pupil
    return document_context(
        pupil,
        f"{pupil.full_name}'s passport",
        passport=passport,
        version=passport.current,
        plan_targets=plan_targets,
        photo_src=photo_data_uri(passport.current),
    )


def photo_data_uri(version):
    """The version's photo inline, so WeasyPrint never fetches it ("" when there is none)."""
    if not version.photo:
        return ""
    with version.photo.open("rb") as photo:
        encoded = base64.b64encode(photo.read()).decode("ascii")
    return f"data:image/jpeg;base64,{encoded}"


@require_GET
@permission_required("pupils.view_passport", raise_exception=True)
def passport_pdf(request, pk):
    """The pupil's current passport as a PDF."""
    pupil = _pupil(request, pk)
    context = passport_context(pupil, plan_targets=current_plan_targets(pupil))
    ReadReceipt.mark_seen(
        user=request.user,
        pupil=pupil,
        document=ReadReceipt.Document.PASSPORT,
        version=context["passport"].version,
    )
    pdf = render_pdf("reports/pdf/passport.html", context, request=request)
    return pdf_response(pdf, filename=f"passport-{slugify(pupil.full_name)}")


@require_GET
@permission_required("pupils.view_passport", raise_exception=True)
def profile_pdf(request, pk):
    """The pupil's one-page profile as a PDF."""
    pupil = _pupil(request, pk)
    profile = get_object_or_404(OnePageProfile, pupil=pupil)
    context = document_context(pupil, f"{pupil.full_name}: one-page profile", profile=profile)
    pdf = render_pdf("reports/pdf/profile.html", context, request=request)
    return pdf_response(pdf, filename=f"one-page-profile-{slugify(pupil.full_name)}")


def current_plan_targets(pupil):
    """The targets of the support plan in force, for "My targets" (empty when there is none)."""
    from reviews.models import PlanTarget

    return list(
        PlanTarget.objects.filter(plan__pupil=pupil, plan__in=pupil.support_plans.current())
        .order_by("order", "pk")
        .values_list("outcome", flat=True)
    )


@require_GET
@permission_required_any("reviews.view_supportplan", "reviews.take_part_as_parent")
def plan_pdf(request, pk):
    """One version of a support plan as a PDF, for staff and the pupil's own parents."""
    from reviews.models import SupportPlan

    plan = get_object_or_404(SupportPlan.objects.visible_to(request.user).for_detail(), pk=pk)
    pupil = plan.pupil
    if request.user.has_perm("reviews.view_supportplan"):
        AccessLog.record(request, pupil=pupil, what="support plan (PDF)")
    title = f"{pupil.full_name}: {pupil.school.plan_label}"
    context = document_context(pupil, title, plan=plan, **review_record(plan))
    pdf = render_pdf("reports/pdf/plan.html", context, request=request)
    return pdf_response(
        pdf, filename=f"plan-{slugify(pupil.full_name)}-{plan.cycle}-{plan.version}"
    )


def review_record(plan):
    """What reviews/includes/_review_record.html needs beside the plan; no review, no record."""
    review = getattr(plan, "review", None)
    if review is None:
        return {"review": None}
    return {"review": review, "views": plan.views_by_party(), "next_plan": plan.next_cycle_plan()}


def review_context(plan):
    """The review record's context; `plan` comes from SupportPlan.objects.for_review_record()."""
    pupil = plan.pupil
    return document_context(
        pupil,
        f"{pupil.full_name}: review of the {pupil.school.plan_label}",
        plan=plan,
        **review_record(plan),
    )


@require_GET
@permission_required_any("reviews.view_supportplan", "reviews.take_part_as_parent")
def review_pdf(request, pk):
    """The record of a plan's review as a PDF; a plan not yet reviewed has none (404)."""
    from reviews.models import SupportPlan

    plan = get_object_or_404(
        SupportPlan.objects.visible_to(request.user).for_review_record(), pk=pk
    )
    pupil = plan.pupil
    if request.user.has_perm("reviews.view_supportplan"):
        AccessLog.record(request, pupil=pupil, what="review record (PDF)")
    pdf = render_pdf("reports/pdf/review.html", review_context(plan), request=request)
    return pdf_response(
        pdf, filename=f"review-{slugify(pupil.full_name)}-{plan.cycle}-{plan.version}"
    )
