"""Redirects to an address the request names ("next"), only ever within this site."""

from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_to_next(request, fallback, *args, **kwargs):
    """Go to the POSTed (or query) "next" when it is a path on this site, else to fallback.

    A "next" must start with a slash and pass url_has_allowed_host_and_scheme (which
    also refuses one longer than 2048 characters), so neither another site (open
    redirect, OWASP) nor a word Django would try to reverse as a URL name ("?next=x"
    gave a 500) is followed. fallback is anything redirect() accepts.
    """
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(next_url)
    return redirect(fallback, *args, **kwargs)
