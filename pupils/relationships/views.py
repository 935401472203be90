"""Who sees whom: a pupil's parents and carers, TA support, and class teachers.

These rows decide which parents, TAs and teachers can open a pupil's records
(docs/access.md): the SENCO and the school administrator keep parent links, only
the SENCO gives class teachers and TA support, and senior leaders check them.
Nobody gives themselves access. Nothing is deleted: links and support are ended,
every change is kept in history with who made it, and each grant of access is
written to the access-grants log.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pupils.models import ParentLink, Pupil, SupportAssignment, TeachingGroup
from pupils.relationships.filters import ClassListFilter
from pupils.relationships.forms import (
    ClassTeachersForm,
    ParentAddForm,
    ParentLinkEndForm,
    SupportAssignForm,
    SupportEndForm,
)
from sendhub.accounts.invitations import send_invitation, send_linked_notice

VIEW = "pupils.view_relationships"
MANAGE = "pupils.manage_relationships"
ASSIGN = "pupils.assign_staff"
CLASSES_PAGE_SIZE = 50  # a secondary school has ~150 forms and classes


def _pupil(request, pk, *, to_change=False):
    pupils = Pupil.objects.writable_by if to_change else Pupil.objects.visible_to
    return get_object_or_404(pupils(request.user).select_related("form"), pk=pk)


def _render_people(request, pupil, *, parent_form=None, support_form=None):
    links = list(pupil.parent_links.select_related("parent").order_by("ended_on", "pk"))
    assignments = list(pupil.support_assignments.for_pupil_page())
    # A leaver's file is archived: read, never changed.
    can_manage = request.user.has_perm(MANAGE) and not pupil.has_left
    can_assign = request.user.has_perm(ASSIGN) and not pupil.has_left
    if can_manage:
        parent_form = parent_form or ParentAddForm(pupil=pupil, by=request.user)
    if can_assign:
        support_form = support_form or SupportAssignForm(pupil=pupil, by=request.user)
    return render(
        request,
        "pupils/pupil_people.html",
        {
            "pupil": pupil,
            "current_links": [link for link in links if link.ended_on is None],
            "ended_links": [link for link in links if link.ended_on is not None],
            "current_support": [a for a in assignments if a.is_current or a.is_future],
            "past_support": [a for a in assignments if not (a.is_current or a.is_future)],
            "parent_form": parent_form,
            "support_form": support_form,
            "can_manage": can_manage,
            "can_assign": can_assign,
        },
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def pupil_people(request, pk):
    """The pupil's parents and carers and the teaching assistants who support them."""
    return _render_people(request, _pupil(request, pk))


@require_POST
@permission_required(MANAGE, raise_exception=True)
def parent_add(request, pk):
    """Link a parent or carer by email; a new account is invited to set a password."""
    pupil = _pupil(request, pk, to_change=True)
    form = ParentAddForm(request.POST, pupil=pupil, by=request.user)
    if not form.is_valid():
        return _render_people(request, pupil, parent_form=form)
    link = form.save()
    # The same words whether or not the email already had an account, so the form tells
    # nobody who uses SENDhub (UK GDPR Art. 5(1)(f); OWASP account enumeration).
    name = f"{form.cleaned_data['first_name'].strip()} {form.cleaned_data['last_name'].strip()}"
    _invite(request, link.parent, link.pupil, name=name)
    return redirect("pupils:people", pk=pupil.pk)


def _invite(request, parent, pupil, *, name=None):
    """Email an invitation, or a notice to sign in as usual; say the same either way."""
    name = name or str(parent)
    send = send_linked_notice if parent.has_usable_password() else send_invitation
    try:
        send(parent, school=pupil.school, request=request)
    except OSError:  # smtplib errors are OSErrors: the link stands, the email can be resent
        messages.warning(
            request,
            f"{name} is linked to {pupil.full_name}, but the email to {parent.email} could not "
            "be sent. Try again later.",
        )
        return
    messages.success(
        request,
        f"{name} is linked to {pupil.full_name}. We have emailed {parent.email} to tell them "
        "how to sign in.",
    )


def _current_link(request, pk):
    links = ParentLink.objects.current().writable_by(request.user)
    return get_object_or_404(links.select_related("parent", "pupil__form"), pk=pk)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def parent_invite(request, pk):
    """Send the set-password invitation again to a parent who has not signed in yet."""
    link = _current_link(request, pk)
    if link.parent.has_usable_password():
        messages.info(request, f"{link.parent} has already set a password and can sign in.")
    else:
        _invite(request, link.parent, link.pupil)
    return redirect("pupils:people", pk=link.pupil_id)


@require_http_methods(["GET", "POST"])
@permission_required(MANAGE, raise_exception=True)
def parent_end(request, pk):
    """Confirm, then end a parent's link: they lose sight of the child at once."""
    link = _current_link(request, pk)
    form = ParentLinkEndForm(request.POST or None)
    if form.is_valid():
        form.end(link, by=request.user)
        messages.success(
            request,
            f"The link between {link.parent} and {link.pupil.full_name} has ended. They can no "
            "longer see this child in SENDhub.",
        )
        return redirect("pupils:people", pk=link.pupil_id)
    return render(
        request, "pupils/parent_link_end.html", {"link": link, "pupil": link.pupil, "form": form}
    )


@require_POST
@permission_required(ASSIGN, raise_exception=True)
def support_add(request, pk):
    """Assign a teaching assistant to support the pupil from a date."""
    pupil = _pupil(request, pk, to_change=True)
    form = SupportAssignForm(request.POST, pupil=pupil, by=request.user)
    if not form.is_valid():
        return _render_people(request, pupil, support_form=form)
    assignment = form.save()
    messages.success(
        request,
        f"{assignment.staff} supports {pupil.full_name} from {assignment.starts_on:%-d %B %Y}.",
    )
    return redirect("pupils:people", pk=pupil.pk)


@require_http_methods(["GET", "POST"])
@permission_required(ASSIGN, raise_exception=True)
def support_end(request, pk):
    """Set the last day of a TA's support; after it they no longer see the pupil."""
    assignments = SupportAssignment.objects.not_ended().writable_by(request.user)
    assignment = get_object_or_404(assignments.select_related("staff", "pupil__form"), pk=pk)
    form = SupportEndForm(request.POST or None, assignment=assignment, by=request.user)
    if form.is_valid():
        form.end()
        messages.success(
            request,
            f"{assignment.staff}'s support for {assignment.pupil.full_name} ends on "
            f"{assignment.ends_on:%-d %B %Y}.",
        )
        return redirect("pupils:people", pk=assignment.pupil_id)
    return render(
        request,
        "pupils/support_end.html",
        {"assignment": assignment, "pupil": assignment.pupil, "form": form},
    )


@require_GET
@permission_required(VIEW, raise_exception=True)
def class_list(request):
    """The school's forms and classes with their teachers, pupils and SEN counts."""
    groups = TeachingGroup.objects.at_school_of(request.user)
    years = sorted({y for y in groups.values_list("year_group", flat=True) if y is not None})
    class_filter = ClassListFilter(request.GET, queryset=groups.for_class_list(), years=years)
    # pk last so a page boundary never splits two groups with the same year and name.
    ordered = class_filter.qs.order_by("year_group", "name", "pk")
    page = Paginator(ordered, CLASSES_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template_name = "pupils/class_list.html"
    if request.htmx:
        template_name += "#results"
    return render(
        request,
        template_name,
        {
            "filter": class_filter,
            "page": page,
            "query": query.urlencode(),
            "show_sen": request.user.has_perm("pupils.view_register"),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required(VIEW, raise_exception=True)
def class_detail(request, pk):
    """A class: its teachers (set here, with history) and its pupils (from the MIS import)."""
    group = get_object_or_404(
        TeachingGroup.objects.at_school_of(request.user).prefetch_related("teachers"), pk=pk
    )
    can_assign = request.user.has_perm(ASSIGN)
    if request.method == "POST" and not can_assign:
        raise PermissionDenied
    form = None
    if can_assign:
        initial = {"teachers": list(group.teachers.all())}
        form = ClassTeachersForm(
            request.POST or None, group=group, by=request.user, initial=initial
        )
        if form.is_valid():
            form.save()
            messages.success(request, f"Teachers of {group.name} saved.")
            return redirect(group)
    pupils = Pupil.objects.visible_to(request.user).on_roll().filter(teaching_groups=group)
    not_eligible = []
    if form is not None:
        eligible = set(form.fields["teachers"].queryset.values_list("pk", flat=True))
        not_eligible = [teacher for teacher in group.teachers.all() if teacher.pk not in eligible]
    return render(
        request,
        "pupils/class_detail.html",
        {
            "group": group,
            "form": form,
            "pupils": pupils.select_related("form"),
            "show_sen": request.user.has_perm("pupils.view_register"),
            "not_eligible": not_eligible,
            "changes": group.teacher_changes(),
        },
    )
