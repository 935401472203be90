from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

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
