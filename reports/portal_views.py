"""The parent portal: a parent sees only their own child (SEND-reference.md §1, §4)."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from pupils.concern_forms import ParentConcernForm
from pupils.identification import notify_sencos
from pupils.models import Concern, ParentMeeting, Pupil
from reviews.portal import plans_for_parent


def portal_children(user):
    """The signed-in parent's children, with passports and meetings, in a fixed number of queries."""
    today = date.today()
    meetings = ParentMeeting.objects.only("pupil_id", "held_on", "purpose").order_by("held_on")
    return (
        Pupil.objects.visible_to(user)
        .select_related("school", "form", "passport__current", "one_page_profile")
        .prefetch_related(
            Prefetch(
                "parent_meetings",
                queryset=meetings.filter(held_on__gt=today),
                to_attr="upcoming_meetings",
            ),
            Prefetch(
                "parent_meetings",
                queryset=meetings.filter(held_on__lte=today).order_by("-held_on"),
                to_attr="past_meetings",
            ),
        )
    )


@require_GET
@permission_required("pupils.view_own_child", raise_exception=True)
def portal_child(request, pk):
    """Everything about one of my children: passport, plan and targets, reviews, meetings."""
    pupil = get_object_or_404(portal_children(request.user), pk=pk)
    # A missing one-to-one raises an error that is also an AttributeError.
    passport = getattr(pupil, "passport", None)
    profile = getattr(pupil, "one_page_profile", None)
    if passport is not None:
        passport.pupil = pupil
    return render(
        request,
        "reports/portal/child.html",
        {
            "pupil": pupil,
            "passport": passport,
            "version": passport.current if passport else None,
            "profile": profile,
            **plans_for_parent(pupil),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("pupils.raise_concern_as_parent", raise_exception=True)
def portal_concern_raise(request, pk):
    """A parent tells the school about a worry about one of their own children (§3 step 1)."""
    pupil = get_object_or_404(Pupil.objects.visible_to(request.user), pk=pk)
    form = ParentConcernForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        concern = form.save(pupil=pupil, parent=request.user)
        transaction.on_commit(lambda: notify_sencos(concern, request=request))
        messages.success(
            request,
            "Thank you. We have sent this to the SENCO, who will look at it. "
            "You can see how it is going on this page.",
        )
        return redirect("reports:portal_concerns")
    return render(
        request,
        "reports/portal/concern_form.html",
        {"pupil": pupil, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@permission_required("pupils.raise_concern_as_parent", raise_exception=True)
def portal_concerns(request):
    """The worries this parent shared, each with a plain status and no staff notes."""
    return render(
        request,
        "reports/portal/concern_list.html",
        {
            "concerns": Concern.objects.raised_as_parent_by(request.user),
            "children": Pupil.objects.visible_to(request.user).order_by("first_name", "pk"),
        },
    )
