"""`{% main_nav %}`: the header's menu links (templates/base.html, cases/_main_nav.html), those the user's roles and
menu permissions (cases.context_processors.navigation) show."""
from django import template
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


def menu_permissions() -> list[str]:
    """The permissions the menu asks about (cases.context_processors.navigation answers them per request)."""
    return [perm for *_entry, perm in MENU if perm]


@register.inclusion_tag("cases/_main_nav.html", takes_context=True)
def main_nav(context):
    roles = context.get("user_roles") or frozenset()
    may = context.get("nav_may") or {}
    return {"links": [(name, label) for _position, name, label, roles_for, perm in MENU
                      if roles_for is None or roles & roles_for or (perm and may.get(perm.replace(".", "_")))]}
