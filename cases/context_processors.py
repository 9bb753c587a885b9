"""Template context for the navigation bar: the user's roles and unread notifications."""
import rules

from cases.models import Role
from cases.page_user import load_page_user
from cases.templatetags.main_nav import menu_permissions


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    load_page_user(user)  # roles, agency (the header), unread count: read with the session's user, or now
    return {
        "user_roles": user.roles,
        "Role": Role,
        "unread_count": user.unread_notifications,
        # The menu's permissions are `rules` permissions (cases.permissions, no Permission rows): asking the
        # rules directly spares ModelBackend's two permission queries on every page for the ones a user lacks.
        "nav_may": {name.replace(".", "_"): rules.has_perm(name, user) for name in menu_permissions()},
    }
