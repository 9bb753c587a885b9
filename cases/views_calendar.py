"""The working calendar for administrators: a year of national, cuti bersama and regional days off, edits that
move open deadlines, a year imported from the `holidays` package after review, and cuti bersama per rule."""
import calendar as month_calendar
import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cases import deadlines
from cases.labels import CLOCK_LABELS
from cases.models import DeadlineRule, Holiday, Region, RegionLevel, Role

FIRST_YEAR, LAST_YEAR = 2014, 2100
WEEKDAYS = [gettext_lazy("Sen"), gettext_lazy("Sel"), gettext_lazy("Rab"), gettext_lazy("Kam"), gettext_lazy("Jum"),
            gettext_lazy("Sab"), gettext_lazy("Min")]


class HolidayForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Tanggal"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=gettext_lazy("Nama"), max_length=200)
    cuti_bersama = forms.BooleanField(label=gettext_lazy("Cuti bersama"), required=False)
    region = forms.ModelChoiceField(
        label=gettext_lazy("Wilayah"), required=False, empty_label=gettext_lazy("Nasional (seluruh Indonesia)"),
        queryset=Region.objects.exclude(level=RegionLevel.NATIONAL).order_by("code"),
        help_text=gettext_lazy("Isi untuk hari libur daerah, mis. hari pemungutan suara Pilkada: hanya tenggat "
                               "perkara di wilayah itu (dan di bawahnya) yang bergeser."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].label_from_instance = lambda r: f"{r.code} {r.name}"


def _require_admin(user):
    if not user.has_role(Role.ADMIN):
        raise PermissionDenied(_("Hanya administrator yang dapat mengubah kalender kerja."))


def _year(request) -> int:
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, FIRST_YEAR), LAST_YEAR)


def _months(year: int, rows: list) -> list:
    """Twelve month grids; each day carries the rows that fall on it."""
    by_day: dict = {}
    for row in rows:
        by_day.setdefault(row.date, []).append(row)
    grid = month_calendar.Calendar(firstweekday=0)
    months = []
    for month in range(1, 13):
        weeks = [[{"day": d, "rows": by_day.get(d, []), "weekend": d.weekday() >= 5} if d.month == month else None
                  for d in week] for week in grid.monthdatescalendar(year, month)]
        months.append({"date": dt.date(year, month, 1), "weeks": weeks})
    return months


def _moved_message(moved: int) -> str:
    if moved:
        return _("Tersimpan. %(n)d tenggat yang masih berjalan bergeser; petugas yang bertanggung jawab diberi "
                 "tahu.") % {"n": moved}
    return _("Tersimpan. Tidak ada tenggat terbuka yang bergeser.")


def _holiday_saved(request, form, holiday=None):
    """Save the form's holiday (a new one, or `holiday` edited): the redirect to its year, or None with the service's
    errors put on the form."""
    try:
        saved = deadlines.holiday_save(actor=request.user, holiday=holiday, source="officer", **form.cleaned_data)
    except ValidationError as err:
        for field, errors in err.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return None
    messages.success(request, _moved_message(saved.moved_clocks))
    return redirect(f"{reverse('cases:calendar')}?year={saved.date.year}")


@login_required
def calendar_year(request):
    _require_admin(request.user)
    year = _year(request)
    rows = list(Holiday.objects.filter(date__year=year).select_related("region").order_by("date", "region__code"))
    form = HolidayForm(request.POST or None, initial={"date": dt.date(year, 1, 1)})
    if request.method == "POST" and form.is_valid() and (done := _holiday_saved(request, form)):
        return done
    context = {
        "year": year, "rows": rows, "months": _months(year, rows), "form": form, "weekdays": WEEKDAYS,
        "counts": {"national": sum(1 for r in rows if not r.region_id and not r.cuti_bersama),
                   "cuti": sum(1 for r in rows if not r.region_id and r.cuti_bersama),
                   "regional": sum(1 for r in rows if r.region_id)},
        "rules": [{"rule": rule, "label": CLOCK_LABELS.get(rule.code, rule.code)}
                  for rule in DeadlineRule.objects.order_by("code", "election_type", "valid_from")],
    }
    return render(request, "cases/calendar.html", context, status=400 if form.errors else 200)


@login_required
def calendar_edit(request, pk):
    _require_admin(request.user)
    holiday = get_object_or_404(Holiday.objects.select_related("region"), pk=pk)
    initial = {"date": holiday.date, "name": holiday.name, "cuti_bersama": holiday.cuti_bersama,
               "region": holiday.region}
    form = HolidayForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and (done := _holiday_saved(request, form, holiday)):
        return done
    return render(request, "cases/calendar_edit.html", {"holiday": holiday, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def calendar_delete(request, pk):
    _require_admin(request.user)
    holiday = get_object_or_404(Holiday, pk=pk)
    year = holiday.date.year
    moved = deadlines.holiday_delete(actor=request.user, holiday=holiday)
    messages.success(request, _moved_message(moved))
    return redirect(f"{reverse('cases:calendar')}?year={year}")


@login_required
def calendar_import(request):
    """A year from the `holidays` package, shown for review; only the ticked dates not yet in the table are saved."""
    _require_admin(request.user)
    year = _year(request)
    existing = set(Holiday.objects.filter(region__isnull=True, date__year=year).values_list("date", flat=True))
    rows = [dict(row, exists=row["date"] in existing) for row in deadlines.holidays_of_year(year)]
    if request.method == "POST":
        chosen = set(request.POST.getlist("date"))
        picked = [row for row in rows if row["date"].isoformat() in chosen and not row["exists"]]
        if not picked:
            messages.warning(request, _("Tidak ada tanggal baru yang dipilih; kalender tidak berubah."))
            return redirect(f"{reverse('cases:calendar_import')}?year={year}")
        created, moved = deadlines.holidays_import(actor=request.user, rows=picked)
        messages.success(request, _("%(n)d hari libur %(year)d disimpan. ") % {"n": len(created), "year": year}
                         + _moved_message(moved))
        return redirect(f"{reverse('cases:calendar')}?year={year}")
    return render(request, "cases/calendar_import.html", {"year": year, "rows": rows,
                                                          "new": sum(1 for r in rows if not r["exists"])})


@login_required
@require_POST
def calendar_rule(request, pk):
    """Whether cuti bersama counts as working days for one rule; open clocks of that rule are re-computed."""
    _require_admin(request.user)
    rule = get_object_or_404(DeadlineRule, pk=pk)
    moved = deadlines.rule_set_cuti_bersama(actor=request.user, rule=rule, working=request.POST.get("working") == "1")
    messages.success(request, _moved_message(moved))
    return redirect(f"{reverse('cases:calendar')}?year={_year(request)}#rules")
