"""Pupil passports, one-page profiles and meetings with parents (Code of Practice 6.65)."""

import base64
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pupils import codes
from pupils.models import (
    OnePageProfile,
    Passport,
    PassportVersion,
    Pupil,
    PupilVoiceMethod,
    ReadReceipt,
    staff_who_teach,
)
from pupils.passports.forms import OnePageProfileForm, ParentMeetingForm, PassportForm
from pupils.passports.targets import targets_for
from sendhub.notifications.services import notify
from sendhub.pdf import document_context, pdf_response, render_pdf


def _pupil(request, pk):
    return get_object_or_404(Pupil.objects.visible_to(request.user).for_summary(), pk=pk)


def _pupil_to_change(request, pk):
    """A pupil whose passport may change: a leaver's is archived and read-only (404)."""
    pupils = Pupil.objects.writable_by(request.user).for_summary()
    return get_object_or_404(pupils, pk=pk)


def _passport(pupil):
    return (
        Passport.objects.select_related("current__recorded_by", "last_confirmed_by")
        .filter(pupil=pupil)
        .first()
    )


@require_GET
@permission_required("pupils.view_passport", raise_exception=True)
def passport_detail(request, pk):
    """The current passport; opening it clears the 'changed' marker for this person."""
    pupil = _pupil(request, pk)
    passport = _passport(pupil)
    if passport is not None:
        passport.pupil = pupil
        ReadReceipt.mark_seen(
            user=request.user,
            pupil=pupil,
            document=ReadReceipt.Document.PASSPORT,
            version=passport.version,
        )
    versions = []
    if passport is not None and request.user.has_perm("pupils.change_passport"):
        versions = passport.versions.select_related("recorded_by").only(
            "number", "captured_on", "voice_method", "recorded_by", "passport_id"
        )
    return render(
        request,
        "pupils/passport.html",
        {
            "pupil": pupil,
            "passport": passport,
            "version": passport.current if passport else None,
            "versions": versions,
            "today": date.today(),
        },
    )


@require_GET
@permission_required("pupils.change_passport", raise_exception=True)
def passport_version(request, pk, number):
    """An earlier version of the passport, as it was saved."""
    pupil = _pupil(request, pk)
    passport = get_object_or_404(Passport, pupil=pupil)
    version = get_object_or_404(passport.versions.select_related("recorded_by"), number=number)
    return render(
        request,
        "pupils/passport_version.html",
        {"pupil": pupil, "passport": passport, "version": version},
    )


@require_http_methods(["GET", "POST"])
@permission_required("pupils.change_passport", raise_exception=True)
def passport_edit(request, pk):
    """Capture the pupil's views: saving a change makes a new version; older ones are kept."""
    pupil = _pupil_to_change(request, pk)
    passport = _passport(pupil)
    current = passport.current if passport else None
    initial = {"captured_on": date.today(), "voice_method": PupilVoiceMethod.CONVERSATION}
    if current is not None:
        initial |= {
            field: getattr(current, field)
            for field in PassportForm.Meta.fields
            if field != "captured_on"
        }
    form = PassportForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        has_photo=bool(current and current.photo),
    )
    if form.is_valid():
        if not form.content_changed(current):
            passport.confirm(by=request.user, on=form.cleaned_data["captured_on"])
            messages.info(request, "Nothing had changed, so the passport is marked as confirmed.")
        else:
            with transaction.atomic():
                version = Passport.save_version(
                    pupil=pupil, by=request.user, **form.version_content()
                )
                notify(
                    [person for person in staff_who_teach(pupil) if person != request.user],
                    title="The passport of a pupil you teach has changed",
                    url=reverse("pupils:passport", args=[pupil.pk]),
                    school=pupil.school,
                )
            messages.success(request, f"Passport saved as version {version.number}.")
        return redirect("pupils:passport", pk=pupil.pk)
    return render(
        request, "pupils/passport_form.html", {"pupil": pupil, "form": form, "current": current}
    )


@require_GET
@permission_required("pupils.view_passport", raise_exception=True)
def passport_photo(request, pk, number):
    """The photo on one version of the passport; earlier versions only for staff who edit it."""
    pupil = _pupil(request, pk)
    versions = PassportVersion.objects.filter(passport__pupil=pupil, number=number)
    if not request.user.has_perm("pupils.change_passport"):
        versions = versions.filter(passport__current=F("pk"))
    version = get_object_or_404(versions.exclude(photo=""))
    response = FileResponse(version.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    return response


@require_POST
@permission_required("pupils.change_passport", raise_exception=True)
def passport_confirm(request, pk):
    """Record that the passport was checked with the pupil and is still right."""
    pupil = _pupil_to_change(request, pk)
    passport = get_object_or_404(Passport, pupil=pupil, current__isnull=False)
    passport.confirm(by=request.user)
    messages.success(request, "Passport confirmed as still right today.")
    return redirect("pupils:passport", pk=pupil.pk)


@require_GET
@permission_required("pupils.view_passport", raise_exception=True)
def profile_detail(request, pk):
    """The one-page profile."""
    pupil = _pupil(request, pk)
    profile = OnePageProfile.objects.select_related("updated_by").filter(pupil=pupil).first()
    return render(request, "pupils/profile.html", {"pupil": pupil, "profile": profile})


@require_http_methods(["GET", "POST"])
@permission_required("pupils.change_passport", raise_exception=True)
def profile_edit(request, pk):
    """Write or update the one-page profile; its history keeps every earlier wording."""
    pupil = _pupil_to_change(request, pk)
    profile = OnePageProfile.objects.filter(pupil=pupil).first() or OnePageProfile(pupil=pupil)
    form = OnePageProfileForm(request.POST or None, instance=profile)
    if form.is_valid():
        profile = form.save(commit=False)
        profile.updated_on = date.today()
        profile.updated_by = request.user
        profile.save()
        messages.success(request, "One-page profile saved.")
        return redirect("pupils:profile", pk=pupil.pk)
    return render(request, "pupils/profile_form.html", {"pupil": pupil, "form": form})


@require_http_methods(["GET", "POST"])
@permission_required("pupils.view_parentmeeting", raise_exception=True)
def parent_meetings(request, pk):
    """Meetings with the pupil's parents this school year and before (CoP 6.65)."""
    pupil = _pupil_to_change(request, pk) if request.method == "POST" else _pupil(request, pk)
    # A leaver's meetings are read, never added to (their file is archived).
    can_record = request.user.has_perm("pupils.record_parent_meeting") and not pupil.has_left
    if request.method == "POST" and not can_record:
        raise PermissionDenied
    form = ParentMeetingForm(request.POST or None) if can_record else None
    if form is not None and form.is_valid():
        meeting = form.save(commit=False)
        meeting.pupil = pupil
        meeting.recorded_by = request.user
        meeting.save()
        messages.success(request, "Meeting recorded.")
        return redirect("pupils:parent_meetings", pk=pupil.pk)
    meetings = pupil.parent_meetings.select_related("recorded_by")
    met = (
        Pupil.objects.filter(pk=pupil.pk)
        .with_parent_meetings_this_year()
        .values_list("parent_meetings_this_year", flat=True)
        .get()
    )
    return render(
        request,
        "pupils/parent_meetings.html",
        {
            "pupil": pupil,
            "form": form,
            "meetings": meetings,
            "met_this_year": met,
            "expected": codes.parent_meetings_expected(date.today(), pupil.school.term_end_days()),
        },
    )


# The passport and one-page profile as PDFs, from the same template bodies as the pages.


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
    context = passport_context(pupil, plan_targets=targets_for(pupil))
    ReadReceipt.mark_seen(
        user=request.user,
        pupil=pupil,
        document=ReadReceipt.Document.PASSPORT,
        version=context["passport"].version,
    )
    pdf = render_pdf("pupils/pdf/passport.html", context, request=request)
    return pdf_response(pdf, filename=f"passport-{slugify(pupil.full_name)}")


@require_GET
@permission_required("pupils.view_passport", raise_exception=True)
def profile_pdf(request, pk):
    """The pupil's one-page profile as a PDF."""
    pupil = _pupil(request, pk)
    profile = get_object_or_404(OnePageProfile, pupil=pupil)
    context = document_context(pupil, f"{pupil.full_name}: one-page profile", profile=profile)
    pdf = render_pdf("pupils/pdf/profile.html", context, request=request)
    return pdf_response(pdf, filename=f"one-page-profile-{slugify(pupil.full_name)}")
