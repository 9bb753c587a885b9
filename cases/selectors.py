"""Reads shared by HTML views and the API: scoped querysets first, filters on top."""
from django.http import Http404

from cases.models import Case
from cases.permissions import case_scope_q, needs_distinct


def cases_visible_to(user):
    """Every case the user may see; scope is enforced here, never in templates."""
    q = case_scope_q(user)
    if q is None:
        return Case.objects.none()
    qs = Case.objects.filter(q)
    if needs_distinct(user):
        qs = Case.objects.filter(pk__in=qs.values("pk"))
    return qs


def case_for_user(user, pk):
    """One case in scope, else 404 (the user may not know it exists)."""
    try:
        return cases_visible_to(user).select_related("election", "region").get(pk=pk)
    except (Case.DoesNotExist, ValueError):
        raise Http404
