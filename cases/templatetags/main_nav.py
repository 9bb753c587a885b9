"""`{% main_nav %}`: the header's menu links (templates/base.html), built in Python.

Every page rendered the menu through ~14 role tests, 9 `{% url %}` and 9 `{% translate %}` tags. Which links
show depends only on the user's roles and menu permissions (cases.context_processors.navigation); the links
themselves (address and translated label) are constants of the code, so each combination is written once per
language and reused. The HTML is the same as the template it replaces (tests/test_queue_perf.py compares them).
Measured together with the rows (cases/templatetags/queue_rows.py gives the figure).
"""
import html

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.models import Role

register = template.Library()

# (position, URL name, label, shown for these roles, or for this `rules` permission): cases' own links; other apps
# add theirs with register_link from their AppConfig.ready, so that cases names none of their URLs or permissions.
MENU = [
    (10, "home", _("Beranda"), None, None),
    (20, "cases:queue", _("Daftar perkara"), None, None),
    (30, "cases:ppk", _("Portal PPK"), {Role.PPK_LIAISON, Role.ADMIN}, None),
    (40, "cases:bkn", _("Blokir data"), {Role.BKN, Role.ADMIN}, None),
    (50, "cases:ministry", _("PPK terlambat"), {Role.KEMENPANRB, Role.KEMENDAGRI, Role.ADMIN}, None),
    (60, "cases:workload", _("Beban kerja"), {Role.BAWASLU, Role.ANALYST, Role.APPROVER, Role.ADMIN}, None),
    (80, "stats:dashboard", _("Statistik"), {Role.KEMENPANRB, Role.KEMENDAGRI}, "cases.export"),
    (90, "letters:batch", _("Cetak surat massal"), {Role.BAWASLU, Role.ANALYST, Role.APPROVER, Role.ADMIN}, None),
    (110, "cases:calendar", _("Kalender kerja"), {Role.ADMIN}, None),
]


def register_link(position: int, name: str, label, roles=frozenset(), perm: str | None = None) -> None:
    """Add another app's link to the menu at `position` (see MENU), shown for `roles` or the `rules` `perm`."""
    if all(entry[1] != name for entry in MENU):
        MENU.append((position, name, label, set(roles), perm))
        MENU.sort(key=lambda entry: entry[0])
        _written.clear()


def menu_permissions() -> list[str]:
    """The permissions the menu asks about (cases.context_processors.navigation answers them per request)."""
    return [perm for *_entry, perm in MENU if perm]


SEPARATOR = "\n    "  # each link on its own line of the <nav>, an empty line when hidden
_written = {}  # (language, script prefix, shown links) -> HTML; emptied when a link is added


@register.simple_tag(takes_context=True)
def main_nav(context):
    roles = context.get("user_roles") or frozenset()
    may = context.get("nav_may") or {}
    shown = tuple(roles_for is None or bool(roles & roles_for) or bool(perm and may.get(perm.replace(".", "_")))
                  for _position, _name, _label, roles_for, perm in MENU)
    key = (get_language(), get_script_prefix(), shown)
    out = _written.get(key)
    if out is None:
        out = _written[key] = mark_safe(SEPARATOR.join(
            '<a href="%s">%s</a>' % (html.escape(reverse(name)), html.escape(str(label))) if show else ""
            for (_position, name, label, _roles, _perm), show in zip(MENU, shown)))
    return out
