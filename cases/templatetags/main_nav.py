"""`{% main_nav %}`: the header's menu links (templates/base.html), built in Python.

Every page rendered the menu through ~14 role tests, 9 `{% url %}` and 9 `{% translate %}` tags. Which links
show depends only on the user's roles and menu permissions (cases.context_processors.navigation); the links
themselves (address and translated label) are constants of the code, so each combination is written once per
language and reused. The HTML is the same as the template it replaces (tests/test_queue_perf.py compares them).
"""
import html

from django import template
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.models import Role

register = template.Library()

# (URL name, label, shown for these roles, or for this menu permission of cases.context_processors.NAV_PERMS)
MENU = [
    ("home", _("Beranda"), None, None),
    ("cases:queue", _("Daftar perkara"), None, None),
    ("cases:ppk", _("Portal PPK"), {Role.PPK_LIAISON, Role.ADMIN}, None),
    ("cases:bkn", _("Blokir data"), {Role.BKN, Role.ADMIN}, None),
    ("cases:ministry", _("PPK terlambat"), {Role.KEMENPANRB, Role.KEMENDAGRI, Role.ADMIN}, None),
    ("cases:workload", _("Beban kerja"), {Role.BAWASLU, Role.ANALYST, Role.APPROVER, Role.ADMIN}, None),
    ("reports:intake_queue", _("Penerimaan laporan"), set(), "reports_intake"),
    ("stats:dashboard", _("Statistik"), {Role.KEMENPANRB, Role.KEMENDAGRI}, "cases_export"),
    ("letters:batch", _("Cetak surat massal"), {Role.BAWASLU, Role.ANALYST, Role.APPROVER, Role.ADMIN}, None),
    ("screening:queue", _("Penapisan"), set(), "screening_review"),
    ("cases:calendar", _("Kalender kerja"), {Role.ADMIN}, None),
    ("privacy:access", _("Catatan akses"), {Role.AUDITOR, Role.ADMIN}, None),
]
SEPARATOR = "\n    "  # each link on its own line of the <nav>, an empty line when hidden
_written = {}  # (language, script prefix, shown links) -> HTML


@register.simple_tag(takes_context=True)
def main_nav(context):
    roles = context.get("user_roles") or frozenset()
    may = context.get("nav_may") or {}
    shown = tuple(roles_for is None or bool(roles & roles_for) or bool(perm and may.get(perm))
                  for _name, _label, roles_for, perm in MENU)
    key = (get_language(), get_script_prefix(), shown)
    out = _written.get(key)
    if out is None:
        out = _written[key] = mark_safe(SEPARATOR.join(
            '<a href="%s">%s</a>' % (html.escape(reverse(name)), html.escape(str(label))) if show else ""
            for (name, label, _roles, _perm), show in zip(MENU, shown)))
    return out
