"""Template context for the navigation bar: the user's roles and unread notifications."""
from cases.models import Role


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "user_roles": user.roles,
        "Role": Role,
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
    }
