"""Running groups: the list, a group's page, starting a group, members and their scores."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from provision.forms import (
    GroupSlotFormSet,
    MemberAddForm,
    MemberLeaveForm,
    MemberScoresForm,
    ProvisionGroupForm,
)
from provision.models import GroupMember, ProvisionGroup, Session
from pupils.models import Pupil

RECENT_SESSIONS = 10


@require_GET
@permission_required("provision.view_provisiongroup", raise_exception=True)
def group_list(request):
    """The groups this person may see: all of the school's for the SEN team."""
    groups = ProvisionGroup.objects.visible_to(request.user).for_list()
    template_name = "provision/group_list.html"
    if request.htmx:
        template_name += "#groups"
    return render(request, template_name, {"groups": groups, "today": date.today()})


@require_http_methods(["GET", "POST"])
@permission_required("provision.add_provisiongroup", raise_exception=True)
@transaction.atomic
def group_create(request):
    """Start a group of one of the school's interventions, with its weekly timetable."""
    school = request.user.school
    data = request.POST if request.method == "POST" else None
    form = ProvisionGroupForm(data, school=school, initial={"intervention": request.GET.get("of")})
    slots = GroupSlotFormSet(data, prefix="slots")
    if request.method == "POST" and form.is_valid() and slots.is_valid():
        group = form.save()
        slots.instance = group
        slots.save()
        messages.success(request, f"{group.name} started. Add its pupils below.")
        return redirect(group)
    return render(
        request,
        "provision/group_form.html",
        {"form": form, "slots": slots},
        status=400 if form.is_bound else 200,
    )


def _group_page(request, group, *, member_form=None, status=200):
    can_manage = request.user.has_perm("provision.change_groupmember") and (
        ProvisionGroup.objects.managed_by(request.user).filter(pk=group.pk).exists()
    )
    if can_manage and member_form is None:
        member_form = MemberAddForm(group=group, pupils=Pupil.objects.writable_by(request.user))
    members = group.visible_members
    return render(
        request,
        "provision/group_detail.html",
        {
            "group": group,
            "current_members": [m for m in members if not m.has_left],
            "past_members": [m for m in members if m.has_left],
            "hidden_members": group.member_count - sum(1 for m in members if not m.has_left),
            "finished_count": sum(1 for m in members if m.reached_exit),
            "can_manage": can_manage,
            "member_form": member_form if can_manage else None,
        },
        status=status,
    )


def _visible_group(request, pk):
    recent = Session.objects.annotate(
        present_count=Count("attendance", filter=Q(attendance__present=True)),
        register_count=Count("attendance"),
    ).select_related("logged_by")
    return get_object_or_404(
        ProvisionGroup.objects.visible_to(request.user)
        .for_detail(request.user)
        .prefetch_related(
            Prefetch("sessions", queryset=recent[:RECENT_SESSIONS], to_attr="recent_sessions")
        ),
        pk=pk,
    )


@require_GET
@permission_required("provision.view_provisiongroup", raise_exception=True)
def group_detail(request, pk):
    """A group: members with entry and exit scores and impact, and delivery against plan."""
    return _group_page(request, _visible_group(request, pk))


@require_POST
@permission_required("provision.change_groupmember", raise_exception=True)
def member_add(request, pk):
    """Add a pupil the person may see to a group they keep, from a date."""
    group = get_object_or_404(ProvisionGroup.objects.managed_by(request.user), pk=pk)
    form = MemberAddForm(request.POST, group=group, pupils=Pupil.objects.writable_by(request.user))
    if not form.is_valid():
        return _group_page(request, _visible_group(request, pk), member_form=form, status=400)
    with transaction.atomic():
        member = form.save(commit=False)
        member.use_latest_result()
        member.save()
        member.record_results(by=request.user)
    messages.success(request, f"{member.pupil.full_name} joined {group.name}.")
    return redirect(group)


def _managed_member(request, pk):
    """A place to change: in a group this person keeps, and not of a leaver (archived)."""
    return get_object_or_404(
        GroupMember.objects.not_archived()
        .filter(group__in=ProvisionGroup.objects.managed_by(request.user))
        .select_related("group__intervention", "pupil"),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
@permission_required("provision.change_groupmember", raise_exception=True)
def member_leave(request, pk):
    """Record the day a pupil left a group; sessions after it no longer list them."""
    member = _managed_member(request, pk)
    data = request.POST if request.method == "POST" else None
    form = MemberLeaveForm(data, instance=member)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{member.pupil.full_name} left {member.group.name}.")
        return redirect(member.group)
    return render(
        request,
        "provision/member_leave.html",
        {"form": form, "member": member},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required("provision.change_groupmember", raise_exception=True)
def member_scores(request, pk):
    """Record a pupil's entry and exit scores on the intervention's measure."""
    member = _managed_member(request, pk)
    data = request.POST if request.method == "POST" else None
    form = MemberScoresForm(data, instance=member)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save().record_results(by=request.user)
        messages.success(request, f"Scores saved for {member.pupil.full_name}.")
        return redirect(member.group)
    return render(
        request,
        "provision/member_scores.html",
        {"form": form, "member": member},
        status=400 if form.is_bound else 200,
    )
