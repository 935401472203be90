"""Sign-in throttling (django-axes): the client's real address, and a limit per address.

Behind a TLS proxy every request arrives from the proxy, so the client address is
read from X-Forwarded-For, trusting only the entries our own proxies wrote
(settings.SENDHUB_PROXY_COUNT). Each proxy appends the address it was reached from,
so with N proxies the client is the N-th entry from the right; anything to its left
was sent by the client and may be forged (OWASP, "IP address spoofing").

Axes locks one account at one address after a few failures. A school shares one
public address, so that pair is the main lock; on top, many failures from one
address across accounts (password spraying) lock the address for a while.
"""

import ipaddress
from datetime import timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.utils import timezone


def client_ip(request):
    """The client's address: REMOTE_ADDR, or X-Forwarded-For as our proxies wrote it."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.SENDHUB_PROXY_COUNT
    if count <= 0:
        return remote  # no proxy of ours: the header is whatever the client sent
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < count:
        return remote  # did not come through all our proxies
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def address_failures(ip_address):
    """Failed sign-ins from this address, any account, within the address window."""
    since = timezone.now() - timedelta(minutes=settings.SENDHUB_LOGIN_ADDRESS_WINDOW_MINUTES)
    return AccessFailureLog.objects.filter(ip_address=ip_address, attempt_time__gte=since).count()


def address_is_locked(ip_address):
    return address_failures(ip_address) >= settings.SENDHUB_LOGIN_ADDRESS_FAILURE_LIMIT


class AxesHandler(AxesDatabaseHandler):
    """Axes' database handler plus the per-address limit on failures across accounts."""

    def is_locked(self, request, credentials=None):
        if super().is_locked(request, credentials):
            return True
        return address_is_locked(request.axes_ip_address)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request=request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if address_is_locked(request.axes_ip_address):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=credentials.get("username") if credentials else None,
                ip_address=request.axes_ip_address,
            )
