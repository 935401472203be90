from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sendhub.forms import SchoolSettingsForm
from sendhub.middleware import SESSION_MEMBERSHIP_KEY


@require_POST
def switch_role(request):
    """Act in another of the person's own roles (another school, or parent rather than teacher)."""
    try:
        membership = request.user.memberships.get(pk=request.POST.get("membership"))
    except (ValueError, request.user.memberships.model.DoesNotExist):
        raise Http404("No such role.") from None
    request.session[SESSION_MEMBERSHIP_KEY] = membership.pk
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = settings.LOGIN_REDIRECT_URL
    return redirect(next_url)


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
