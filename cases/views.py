"""Officer workspace views: thin, each parses the request, calls one selector or service, and renders."""
import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors
from cases.deadlines import clock_status
from cases.home import sections_for
from cases.models import ElectionPeriod, ElectionStage, Role, User
from cases.page_user import load_page_user
from cases.pagination import InvalidCursor, bounded_count
from cases.params import whole_number
from cases.services import NOTIFICATION_KINDS, request_origin, respondents_shown
from cases.templatetags.queue_form import officer_label, stage_groups_html
from cases.workflow import (
    Action, ActionNotAllowed, InvalidTransition, StaleCase, allowed_actions, case_add_respondent, case_version,
    latest_action_event, may_add_respondent, perform,
)
from cases.workspace import case_act, note_add, notifications_mark_read, stale_message
from cases.workspace_forms import CONSEQUENCES, DANGEROUS, NoteForm, RespondentAddForm, form_for

PER_PAGE = 50
COUNT_CACHE_SECONDS = 60


def home(request):
    """Officers see what needs them now; everyone else the public landing page."""
    if not request.user.is_authenticated:
        return render(request, "public_home.html")
    user = request.user
    context = {"buckets": selectors.home_buckets(user), "sections": sections_for(user)}
    if user.has_role(Role.PPK_LIAISON):
        context["pending_tracks"] = list(selectors.liaison_tracks(user, pending_only=True)[:20])
    return render(request, "cases/home.html", context)


def _queue_total_key(request, filterset):
    signature = json.dumps(filterset.active(), sort_keys=True, default=str)
    return "queue-total:%s:%s" % (request.user.pk, hashlib.sha1(signature.encode()).hexdigest())


def _queue_total(key, qs, cached):
    """Exact when small, else an estimate; cached briefly per user and filter so paging does not recount."""
    total = cached.get(key)
    if total is None:
        total = bounded_count(qs)
        cache.set(key, total, COUNT_CACHE_SECONDS)
    return total


@login_required
def queue(request):
    filterset = selectors.case_queue(request.user, request.GET, request=request, defer_fuzzy=True)
    valid = filterset.is_valid()
    partial = request.htmx and request.htmx.target == "queue-results"  # the results only: no filter form
    page, total, status, total_key = None, None, 200, None
    if valid and not filterset.form.errors:
        try:
            page, qs = selectors.queue_page(filterset, cursor=request.GET.get("cursor") or None, per_page=PER_PAGE)
        except InvalidCursor:
            messages.error(request, _("Penanda halaman tidak berlaku (diubah atau untuk urutan lain); "
                                      "daftar ditampilkan dari halaman pertama."))
            page, qs = selectors.queue_page(filterset, per_page=PER_PAGE)
        total_key = _queue_total_key(request, filterset)
    else:
        status = 400
    # The total and the elections and stages lists from the cache in one round trip.
    keys = [k for k in (total_key, *((None, None) if partial else (ELECTIONS_KEY, STAGES_KEY))) if k]
    cached = cache.get_many(keys) if keys else {}
    if total_key:
        total = _queue_total(total_key, qs, cached)
    params = request.GET.copy()
    params.pop("cursor", None)
    may_assign = request.user.has_role(Role.BAWASLU, Role.APPROVER, Role.ADMIN)
    may_print = request.user.has_role(Role.BAWASLU, Role.ANALYST, Role.APPROVER, Role.ADMIN)  # the menu's batch link
    # The bulk-assign select and the "assigned" filter list the same officers.
    officers = _officer_choices(request.user) if may_assign and (not partial or (page and page.rows)) else []
    context = {"filterset": filterset, "form": filterset.form, "page": page, "total": total, "base_query": params.urlencode(),
               "may_assign": may_assign, "may_print": may_print, "today": timezone.localdate(), "overdue_label": _("terlambat"),
               "officers": officers if page and page.rows else []}
    if not partial:
        # On a phone the filters fold away unless one is set or wrong (static/js/site.js, data-fold-narrow).
        context["active_filters"] = sum(1 for k, v in params.items() if v and k not in ("q", "sort"))
        context.update(elections=_elections(cached), stages=_stages(cached),
                       assigned_choices=_assigned_choices(filterset.form["assigned"].value(), officers))
    template = "cases/_queue_rows.html" if partial else "cases/queue.html"
    return render(request, template, context, status=status)


def _officer_choices(user):
    """The bulk-assign select (cases.templatetags.queue_form.officer_options): only what the option shows is read."""
    return selectors.assignable_officer_options(user)


ELECTIONS_KEY = "queue-elections"


def _elections(cached):
    rows = cached.get(ELECTIONS_KEY)
    if rows is None:
        rows = list(ElectionPeriod.objects.order_by("-voting_date").values_list("slug", "name"))
        cache.set(ELECTIONS_KEY, rows, 300)
    return rows


STAGES_KEY = "queue-stages"


def _stages(cached):
    """The stage filter's <optgroup>s, an election each, newest first, none chosen (queue_form.stage_options)."""
    html = cached.get(STAGES_KEY)
    if html is None:
        groups = {}
        for election, pk, name in (ElectionStage.objects.order_by("-election__voting_date", "election_id", "starts_on", "id")
                                   .values_list("election__name", "id", "name")):
            groups.setdefault(election, []).append((pk, name))
        html = stage_groups_html(groups.items())
        cache.set(STAGES_KEY, html, 300)
    return html


def _assigned_choices(chosen, officers):
    """The "assigned" filter's options after "anyone": me, then the officers this user may assign to; an officer
    chosen elsewhere (the workload page links here with their id) stays listed and selected, so changing another
    filter keeps it."""
    choices = [("me", _("Saya"))] + [(str(pk), officer_label(first, last, username))
                                      for pk, username, first, last in officers]
    if chosen and chosen not in {value for value, _label in choices} and chosen.isascii() and chosen.isdigit():
        choices.append((chosen, _("Petugas nomor %(n)s") % {"n": chosen}))
    return choices


def _case_context(request, case, *, forms=None, note_form=None, respondent_form=None):
    user = request.user
    actions = allowed_actions(user, case)
    forms = forms or {}
    action_forms = [{"action": a, "label": _label(a), "consequence": CONSEQUENCES.get(a, ""), "danger": a in DANGEROUS,
                     "form": forms.get(a) or form_for(a, case=case, user=user)} for a in actions]
    tracks = selectors.case_tracks(user, case)
    prefetch_related_objects([t for t in tracks if not getattr(t, "masked", False)], "recommendation__violation_types",
                             "decisions__sanction_type", "decisions__reviewed_by")
    for t in tracks:
        if not getattr(t, "masked", False):
            t.rec = getattr(t, "recommendation", None) if hasattr(t, "recommendation") else None
            t.items = _items_beside_decisions(t)
    clocks = [{"clock": c, **clock_status(c)} for c in selectors.case_clocks(user, case)]
    sees_notes = user.has_perm("cases.add_note") or user.has_role(Role.AUDITOR)
    # The public's narrative (case description, reports, evidence) names every respondent: not shown to a user
    # who may not see all of them.
    partial = any(getattr(t, "masked", False) for t in tracks)
    return {
        "case": case, "tracks": tracks, "clocks": clocks, "actions": action_forms, "narrative_hidden": partial,
        "version": case_version(case),
        "timeline": selectors.case_timeline(case, user), "prior": selectors.prior_cases(case, user),
        "reports": [] if partial else _reports(case), "may_see_reporter": user.has_perm("cases.view_reporter_identity"),
        "may_open_evidence": user.has_perm("reports.view_evidence"),
        "access_records": selectors.case_access_records(user, case),
        "notes": case.notes.select_related("author").prefetch_related("mentions") if sees_notes else None,
        "may_note": user.has_perm("cases.add_note"), "note_form": note_form or NoteForm(),
        "respondent_form": (respondent_form or RespondentAddForm())
        if not case.is_closed and may_add_respondent(user, case) else None,
    }


def _items_beside_decisions(track):
    """What was recommended beside what was imposed, one row per recommended item (returned decisions after it)."""
    if track.rec is None or track.rec.approved_at is None:
        return []
    decisions = list(track.decisions.all())
    return [{"item": item, "decision": next((d for d in decisions if d.active and d.item_kind == item.kind), None),
             "returned": [d for d in decisions if not d.active and d.item_kind == item.kind]}
            for item in track.rec.items()]


def _label(action):
    return Action(action).label


def _reports(case):
    related = getattr(case, "reports", None)  # the intake app's reverse relation; cases never imports reports
    if related is None:
        return []
    return related.prefetch_related("evidence").order_by("id")


@login_required
def case_detail(request, pk):
    case = selectors.case_for_user(request.user, pk)
    context = _case_context(request, case)
    respondents_shown(actor=request.user, case=case, tracks=context["tracks"], via=request_origin(request))
    return render(request, "cases/detail.html", context)


@login_required
def case_print(request, pk):
    case = selectors.case_for_user(request.user, pk)
    context = _case_context(request, case)
    respondents_shown(actor=request.user, case=case, tracks=context["tracks"], via=request_origin(request))
    return render(request, "cases/print.html", {"items": [context],
                                                "back": reverse("cases:detail", args=[case.pk])})


@login_required
@require_POST
def act(request, pk):
    """Every workflow action posts here; a wrong state is a plain 409 message, not an error page."""
    case = selectors.case_for_user(request.user, pk)
    try:
        action = Action(request.POST.get("action", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Tindakan tidak dikenal."))
    shown = _shown_version(request)
    if shown is not None and shown != case_version(case):  # before the form: its choices may be gone with the change
        messages.error(request, stale_message(StaleCase(latest_action_event(case))))
        return render(request, "cases/detail.html", _case_context(request, case), status=409)
    form = form_for(action, case=case, user=request.user, data=request.POST, files=request.FILES)
    if form.is_valid():
        try:
            case_act(actor=request.user, case=case, action=action, params=form.params(), version=shown)
            messages.success(request, _("Berhasil: %(a)s.") % {"a": action.label})
            return redirect("cases:detail", pk=case.pk)
        except StaleCase as exc:
            messages.error(request, stale_message(exc))
            return render(request, "cases/detail.html", _case_context(request, case), status=409)
        except InvalidTransition:
            case.refresh_from_db()
            messages.error(request, _("Perkara ini sudah diproses oleh pengguna lain; status sekarang: %(s)s.")
                           % {"s": case.get_status_display()})
            return render(request, "cases/detail.html", _case_context(request, case), status=409)
        except ActionNotAllowed as exc:
            messages.error(request, exc.message)
            return render(request, "cases/detail.html", _case_context(request, case), status=403)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
    messages.error(request, _("Periksa isian \u201c%(a)s\u201d di bawah.") % {"a": action.label})
    context = _case_context(request, case, forms={action: form})
    context["open_action"] = action
    return render(request, "cases/detail.html", context, status=400)


def _shown_version(request):
    """The case version the page carried (cases.workflow.case_version); None when the form has none."""
    raw = request.POST.get("version", "")
    return whole_number(raw)


@login_required
@require_POST
def note_create(request, pk):
    case = selectors.case_for_user(request.user, pk)
    if not request.user.has_perm("cases.add_note"):
        messages.error(request, _("Peran Anda tidak dapat menulis catatan internal."))
        return render(request, "cases/detail.html", _case_context(request, case), status=403)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(actor=request.user, case=case, body=form.cleaned_data["body"])
            messages.success(request, _("Catatan disimpan."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#notes")
        except ValidationError as exc:
            form.add_error("body", exc.message_dict.get("body"))
    return render(request, "cases/detail.html", _case_context(request, case, note_form=form), status=400)


@login_required
@require_POST
def respondent_add(request, pk):
    """Add a respondent from the case page. A NIP on record under another name is shown first (as on the intake
    page): the case would take the recorded person, so it is added only once the officer confirms."""
    case = selectors.case_for_user(request.user, pk)
    form = RespondentAddForm(request.POST)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        recorded = selectors.respondent_under_other_name(data["nip"], data["name"])
        if recorded is not None and not data["confirm_other_name"]:
            context = _case_context(request, case, respondent_form=form)
            return render(request, "cases/detail.html", {**context, "nip_other_name": recorded})
        try:
            case_add_respondent(actor=request.user, case=case, nip=data["nip"] or None, name=data["name"],
                                position=data["position"], agency=data["agency"])
        except ActionNotAllowed as exc:
            messages.error(request, exc.message)
            status = 403
        except InvalidTransition as exc:
            messages.error(request, exc.message)
            status = 409
        except ValidationError as exc:
            for field, errors in (exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}).items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Terlapor ditambahkan."))
            return redirect(reverse("cases:detail", args=[case.pk]) + "#h-resp")
    return render(request, "cases/detail.html", _case_context(request, case, respondent_form=form), status=status)


def _ticked(request) -> tuple[list[int], str]:
    """(ids of the cases ticked in the queue, at most a page of them; the queue URL to go back to)."""
    ids = [n for n in map(whole_number, request.POST.getlist("case")) if n is not None][:PER_PAGE]
    back = reverse("cases:queue") + ("?" + request.POST.get("query", "") if request.POST.get("query") else "")
    return ids, back


@login_required
@require_POST
def bulk_assign(request):
    """Assign the ticked cases (each in the user's scope) to one officer; each goes through the workflow."""
    ids, back = _ticked(request)
    officer_id = whole_number(request.POST.get("officer", ""))
    officer = User.objects.filter(pk=officer_id, is_active=True).first() if officer_id is not None else None
    if not ids or officer is None:
        messages.error(request, _("Pilih sedikitnya satu perkara dan satu petugas untuk penugasan massal."))
        return redirect(back)
    done, refused = 0, []
    for case in selectors.cases_visible_to(request.user).filter(pk__in=ids):
        try:
            perform(Action.ASSIGN, actor=request.user, case=case, officer=officer,
                    reason=request.POST.get("reason", "") or _("Penugasan massal"))
            done += 1
        except (InvalidTransition, ActionNotAllowed, ValidationError) as exc:
            refused.append(f"{case.number}: {getattr(exc, 'message', None) or '; '.join(exc.messages)}")
    if done:
        messages.success(request, _("%(n)d perkara ditugaskan kepada %(who)s.") % {"n": done, "who": officer.username})
    for line in refused:
        messages.error(request, line)
    return redirect(back)


@login_required
@require_POST
def bulk_letters(request):
    """The letters of the ticked cases (those in the user's scope) on the batch printing page, where the officer
    picks the kind and the output and sees how many letters that is before printing."""
    ids, back = _ticked(request)
    visible = sorted(selectors.cases_visible_to(request.user).filter(pk__in=ids).values_list("pk", flat=True))
    if not visible:
        messages.error(request, _("Pilih sedikitnya satu perkara untuk mencetak suratnya."))
        return redirect(back)
    return redirect(reverse("letters:batch") + "?" + urlencode({"case_ids": ",".join(map(str, visible))}))


@login_required
@require_POST
def print_selected(request):
    """The printable view of every ticked case (those in the user's scope) in one page, each on a new sheet: one
    tab to print, where opening a tab per case was stopped by the browser's pop-up blocker after the first."""
    ids, back = _ticked(request)
    cases = {c.pk: c for c in selectors.cases_visible_to(request.user).select_related("election", "region", "stage")
             .filter(pk__in=ids)}
    if not cases:
        messages.error(request, _("Pilih sedikitnya satu perkara untuk dicetak."))
        return redirect(back)
    items = [_case_context(request, cases[pk]) for pk in ids if pk in cases]
    for item in items:
        respondents_shown(actor=request.user, case=item["case"], tracks=item["tracks"], via=request_origin(request))
    return render(request, "cases/print.html", {"items": items, "back": back})


# --- notifications ---------------------------------------------------------------------------------------------

@login_required
def notifications(request):
    unread_only = request.GET.get("unread") == "1"
    rows = list(selectors.notifications_for(request.user, unread_only=unread_only))
    for row in rows:
        row.kind_label = NOTIFICATION_KINDS.get(row.kind, row.kind.replace("_", " "))
    return render(request, "cases/notifications.html", {"rows": rows, "unread_only": unread_only})


@login_required
def notifications_bell(request):
    count = load_page_user(request.user).unread_notifications  # read with the session's user
    return render(request, "cases/_bell.html", {"unread_count": count})


@login_required
@require_POST
def notifications_read(request):
    raw = request.POST.getlist("id")
    ids = [n for n in map(whole_number, raw) if n is not None] if raw else None
    if raw and not ids:
        return HttpResponseBadRequest(_("Nomor notifikasi tidak valid."))
    n = notifications_mark_read(actor=request.user, ids=ids)
    if request.htmx:
        load_page_user(request.user, refresh=True)  # the count read with the user is now stale
        return notifications_bell(request)
    messages.success(request, _("%(n)d notifikasi ditandai sudah dibaca.") % {"n": n})
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        target = "cases:notifications"  # never bounce off-site (open redirect)
    return redirect(target)


# --- portals -----------------------------------------------------------------------------------------------------

@login_required
def ppk_portal(request):
    if not request.user.has_role(Role.PPK_LIAISON, Role.ADMIN):
        raise Http404
    tracks = list(selectors.liaison_tracks(request.user)[:200])
    clocks = selectors.track_clocks(tracks)
    rows = []
    for t in tracks:
        clock = clocks.get(t.pk)
        rows.append({"track": t, "clock": clock, "clock_status": clock_status(clock) if clock else None})
    return render(request, "cases/ppk_portal.html", {"rows": rows})


@login_required
def bkn_portal(request):
    if not request.user.has_role(Role.BKN, Role.ADMIN):
        raise Http404
    return render(request, "cases/bkn_portal.html", selectors.bkn_block_queue(request.user))


MINISTRY_PER_PAGE = 50


@login_required
def ministry_portal(request):
    if not request.user.has_role(Role.KEMENPANRB, Role.KEMENDAGRI, Role.ADMIN):
        raise Http404
    # Every agency, 50 a page, with the total: a ministry must not think the list ends where a limit cut it (#25.7).
    agencies = Paginator(selectors.ministry_overdue_agencies(request.user), MINISTRY_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/ministry_portal.html", {
        "agencies": agencies, "escalations": selectors.escalations_for(request.user)})


@login_required
def workload(request):
    if not request.user.has_role(Role.BAWASLU, Role.ANALYST, Role.APPROVER, Role.AUDITOR, Role.ADMIN):
        raise Http404
    return render(request, "cases/workload.html", {"rows": selectors.officer_workload(request.user)})


def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
