import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

from sendhub.roles import Role

SESSION_MEMBERSHIP_KEY = "sendhub_membership_id"
SESSION_LAST_SEEN_KEY = "sendhub_last_seen"
# The idle clock is coarse: the session is written at most once a minute, not on every
# request, so reading pages costs no database write.
LAST_SEEN_RESOLUTION_SECONDS = 60


class ContentSecurityPolicyMiddleware:
    """Send the same strict Content-Security-Policy on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.SENDHUB_CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class NoStoreWhenSignedInMiddleware:
    """Tell browsers and proxies to keep no copy of anything shown to a signed-in person.

    Every page, PDF and download for a signed-in person may carry pupil data (special
    category data, UK GDPR Art. 9), so none may stay in a shared computer's browser
    cache or back-button history (OWASP Session Management: "Web content caching").
    Static files never reach this: WhiteNoise answers them earlier in the chain.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
        return response


class CurrentMembershipMiddleware:
    """Put the role the person chose (or their first) on request.user.membership.

    Only current roles count: a role ended today stops working on the next request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            chosen = request.session.get(SESSION_MEMBERSHIP_KEY)
            memberships = list(user.memberships.current().select_related("school", "trust"))
            current = next((m for m in memberships if m.pk == chosen), None)
            user.membership = current or (memberships[0] if memberships else None)
            user.all_memberships = memberships
            request.membership = user.membership
        else:
            request.membership = None
        return self.get_response(request)


class SessionIdleTimeoutMiddleware:
    """Sign out a person who has been idle longer than their role allows."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(SESSION_LAST_SEEN_KEY, now)
            if now - last_seen > idle_limit_seconds(request.membership):
                logout(request)
                return redirect_to_login(request.get_full_path())
            if now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS or (
                SESSION_LAST_SEEN_KEY not in request.session
            ):
                request.session[SESSION_LAST_SEEN_KEY] = now
        return self.get_response(request)


def idle_limit_seconds(membership):
    if membership is not None and membership.role == Role.PARENT:
        return settings.SENDHUB_PARENT_SESSION_IDLE_MINUTES * 60
    return settings.SENDHUB_SESSION_IDLE_MINUTES * 60


def start_idle_clock(sender, request, user, **kwargs):
    """Signing in starts the idle clock, so the first page read writes no session row."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LAST_SEEN_KEY] = time.time()
