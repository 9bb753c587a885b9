"""Template context for the navigation bar: the user's roles and unread notifications."""
import rules

from cases.models import Role

NAV_PERMS = ("reports.intake", "cases.export", "screening.review")


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    return {
        "user_roles": user.roles,
        "Role": Role,
        "unread_count": user.notifications.filter(read_at__isnull=True).count(),
        # The menu's permissions are `rules` permissions (cases.permissions, no Permission rows): asking the
        # rules directly spares ModelBackend's two permission queries on every page for the ones a user lacks.
        "nav_may": {name.replace(".", "_"): rules.has_perm(name, user) for name in NAV_PERMS},
    }
