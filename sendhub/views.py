from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendhub.accounts.invitations import (
    invitation_days,
    read_role_offer,
    send_invitation,
    send_role_offer,
)
from sendhub.filters import PeopleFilter
from sendhub.forms import (
    EndRoleForm,
    NationalComparisonForm,
    PersonForm,
    RoleForm,
    SchoolSettingsForm,
    may_give,
    record_role_grant,
)
from sendhub.middleware import SESSION_MEMBERSHIP_KEY
from sendhub.models import AccessGrant, Grant, Membership, NationalComparison, School, User
from sendhub.redirects import redirect_to_next
from sendhub.roles import Role, roles_with


@require_POST
def switch_role(request):
    """Act in another of the person's own roles (another school, or parent rather than teacher)."""
    try:
        membership = request.user.memberships.current().get(pk=request.POST.get("membership"))
    except (ValueError, request.user.memberships.model.DoesNotExist):
        raise Http404("No such role.") from None
    request.session[SESSION_MEMBERSHIP_KEY] = membership.pk
    return redirect_to_next(request, settings.LOGIN_REDIRECT_URL)


@login_not_required
@require_GET
def health(request):
    return HttpResponse("ok", content_type="text/plain")


@require_http_methods(["GET", "POST"])
@permission_required("sendhub.change_school_settings", raise_exception=True)
def school_settings(request):
    """The settings of the school the person is acting for now, and who changed them."""
    school = request.user.school
    form = SchoolSettingsForm(request.POST if request.method == "POST" else None, instance=school)
    if request.method == "POST" and form.is_valid():
        if form.has_changed():
            with transaction.atomic():  # the school and its history row
                form.save()
            messages.success(request, "School settings saved.")
        else:
            messages.info(request, "Nothing was changed.")
        return redirect("sendhub:school_settings")
    return render(
        request,
        "sendhub/school_settings.html",
        {"form": form, "school": school, "changes": school.recent_changes()},
    )


@require_http_methods(["GET", "POST"])
@permission_required("sendhub.add_nationalcomparison", raise_exception=True)
def national_figures(request):
    """National SEN figures the dashboard compares with, and newly published ones to add."""
    school = request.user.school
    data = request.POST if request.method == "POST" else None
    form = NationalComparisonForm.for_school(data, school=school, user=request.user)
    if data is not None and form.is_valid():
        with transaction.atomic():  # the figures and their history row
            figures = form.save()
        messages.success(request, f"National figures saved: {figures}.")
        return redirect("sendhub:national_figures")
    figures = (
        NationalComparison.objects.for_school(school)
        .select_related("entered_by")
        .order_by("-census_date", "phase", "school_id", "pk")
    )
    return render(
        request,
        "sendhub/national_figures.html",
        {
            "form": form,
            "school": school,
            "figures": figures,
            "comparators": NationalComparison.objects.comparators_for(school),
        },
    )


PEOPLE_PAGE_SIZE = 25


@require_GET
@permission_required("sendhub.manage_people", raise_exception=True)
def people(request):
    """Everyone with a current role at this school: filter by role, search, page."""
    school = request.user.school
    people_filter = PeopleFilter(
        request.GET, queryset=User.objects.at_school(school), school=school
    )
    page = Paginator(people_filter.qs.with_roles_at(school), PEOPLE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sendhub/people.html",
        {"filter": people_filter, "page": page, "query": query.urlencode(), "school": school},
    )


@require_http_methods(["GET", "POST"])
@permission_required("sendhub.manage_people", raise_exception=True)
def person_add(request):
    """Add a person in one role at this school and email them an invitation."""
    school = request.user.school
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        school=school,
        by=request.user,
        granter_role=request.membership.role,
    )
    if request.method == "POST" and form.is_valid():
        membership = form.save()
        data = form.cleaned_data
        if membership is not None and membership.user.has_usable_password():
            # Someone this school already knows: nothing new is revealed.
            messages.success(
                request,
                f"{membership.user} now has the role {membership.get_role_display().lower()} "
                "here. They already use SENDhub, so they sign in with their own password.",
            )
            return redirect("sendhub:person", pk=membership.user_id)
        # A new account, or one known only at other schools: the same words and the same
        # next page either way, so the form cannot tell which emails use SENDhub.
        if membership is None:
            send_role_offer(
                form.existing, school=school, role=data["role"],
                job_title=data["job_title"].strip(), by=request.user, request=request,
            )  # fmt: skip
        else:
            send_invitation(membership.user, school=school, request=request)
        messages.success(
            request,
            f"{data['first_name'].strip()} {data['last_name'].strip()} was invited as "
            f"{Role(data['role']).label.lower()}. An invitation was emailed to {data['email']}. "
            "They have the role once they accept it.",
        )
        return redirect("sendhub:people")
    return render(
        request,
        "sendhub/person_add.html",
        {"form": form, "school": school, "days": invitation_days()},
    )


@require_http_methods(["GET", "POST"])
@permission_required("sendhub.manage_people", raise_exception=True)
def person(request, pk):
    """A person's roles here, with history; a POST gives them another role."""
    school = request.user.school
    person = get_object_or_404(User.objects.known_at(school), pk=pk)
    form = RoleForm(
        request.POST if request.method == "POST" else None,
        person=person,
        school=school,
        by=request.user,
        granter_role=request.membership.role,
    )
    if request.method == "POST" and form.is_valid():
        membership = form.save()
        messages.success(
            request, f"{person} now has the role {membership.get_role_display().lower()} here."
        )
        return redirect("sendhub:person", pk=person.pk)
    return render(
        request,
        "sendhub/person.html",
        {
            "person": person,
            "school": school,
            "form": form,
            "roles": person.memberships.filter(school=school).order_by("ended_on", "role"),
            "changes": Membership.changes_for(person, school),
        },
    )


@require_http_methods(["GET", "POST"])
@permission_required("sendhub.manage_people", raise_exception=True)
def role_end(request, pk, membership_pk):
    """Ask, then end one of a person's current roles here (GET confirms, POST ends)."""
    school = request.user.school
    membership = get_object_or_404(
        Membership.objects.current().filter(school=school).select_related("user"),
        pk=membership_pk,
        user_id=pk,
    )
    form = EndRoleForm(
        request.POST if request.method == "POST" else None,
        membership=membership,
        by=request.user,
        granter_role=request.membership.role,
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request,
            f"{membership.user}'s role as {membership.get_role_display().lower()} has ended. "
            "It no longer gives them any access.",
        )
        return redirect("sendhub:person", pk=pk)
    return render(
        request, "sendhub/role_end.html", {"membership": membership, "form": form, "school": school}
    )


@require_POST
@permission_required("sendhub.manage_people", raise_exception=True)
def person_invite(request, pk):
    """Email the person a new link to set their password."""
    school = request.user.school
    person = get_object_or_404(User.objects.at_school(school), pk=pk)
    if person.has_usable_password():
        messages.info(
            request,
            f"{person} has already set a password. If they have forgotten it, they can use "
            "“Forgot your password?” on the sign-in page.",
        )
    else:
        send_invitation(person, school=school, request=request)
        messages.success(request, f"A new invitation was emailed to {person.email}.")
    return redirect("sendhub:person", pk=pk)


ACCESS_GRANTS_PAGE_SIZE = 50


@require_GET
@permission_required("sendhub.view_access_grants", raise_exception=True)
def access_grants(request):
    """Who gave whom access to pupils' records at this school, newest first."""
    school = request.user.school
    grants = AccessGrant.objects.at_school(school).for_log()
    page = Paginator(grants, ACCESS_GRANTS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sendhub/access_grants.html", {"page": page, "school": school})


@require_http_methods(["GET", "POST"])
def role_offer(request, token):
    """Accept a role a school offered this account: the only way it joins a new school."""
    offer = read_role_offer(token)
    if offer is None or offer["user_id"] != request.user.pk:
        raise Http404("No such offer.")
    school = get_object_or_404(School, pk=offer["school_id"])
    role = Role(offer["role"])
    granter = (
        Membership.objects.current()
        .filter(user_id=offer["by_id"], school=school, role__in=roles_with("sendhub.manage_people"))
        .select_related("user")
    )
    granter = next((m for m in granter if may_give(m.role, role)), None)
    # Used once: an account with any role here, even ended, joined already (or was
    # removed since); the person who offered must still be able to give the role.
    spent = Membership.objects.filter(user=request.user, school=school).exists()
    if spent or granter is None:
        return render(request, "sendhub/role_offer.html", {"school": school, "spent": True})
    if request.method == "POST":
        with transaction.atomic():
            membership = Membership.objects.create(
                user=request.user, school=school, role=role, job_title=offer["job_title"]
            )
            record_role_grant(membership, by=granter.user, what=Grant.ROLE_GIVEN)
        request.session[SESSION_MEMBERSHIP_KEY] = membership.pk
        messages.success(request, f"You now have the role {role.label.lower()} at {school}.")
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request, "sendhub/role_offer.html", {"school": school, "role": role, "spent": False}
    )
