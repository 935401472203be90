def membership(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "membership": request.membership,
        "all_memberships": getattr(user, "all_memberships", []),
    }
