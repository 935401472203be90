from django.utils.functional import SimpleLazyObject


def concerns(request):
    """The SENCO's count of concerns to triage for the nav badge: one query, only if shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        from pupils.models import Concern

        return Concern.objects.visible_to(user).needing_triage().count()

    return {"concerns_to_triage": SimpleLazyObject(count)}
