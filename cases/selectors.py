"""Reads shared by HTML views and the API: scoped querysets first, filters on top."""

import datetime as dt
import re

from django.db.models import (BooleanField, Count, Exists, ExpressionWrapper, F, Min, OuterRef, Prefetch, Q, Subquery,
                              Value)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.filters import CaseFilterSet
from cases.models import (ACTIVE_BLOCK, AccessKind, AccessRecord, AgencyKind, Case, CaseEvent, CaseRespondent,
                          CaseStatus, Clock, ClockState, DataBlock, DecisionReview, Letter, Respondent, Role,
                          SanctionRecord, TrackStatus, User)
from cases.models.case import today as local_today
from cases.nip import normalise_nip
from cases.pagination import CASE_SORTS, keyset_paginate
from cases.permissions import (POST_RECOMMENDATION, case_scope_q, needs_distinct, sees_every_respondent,
                               track_scope_q)
from cases.timeline import case_timeline as full_timeline
from cases.workflow import TRANSITIONS


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
        return cases_visible_to(user).select_related("election", "region", "stage").get(pk=pk)
    except (Case.DoesNotExist, ValueError):
        raise Http404


# --- respondents in scope (issue #28): decided per respondent, not per case --------------------------------

class OtherAgencyRespondent:
    """What a user sees of a respondent outside their scope in a case they may see: no name, NIP, agency,
    sanction track or letter, only that there is one."""

    masked = True
    pk = id = None
    label = gettext_lazy("terlapor dari instansi lain")

    def __str__(self):
        return str(self.label)


def _in_scope(user):
    """A boolean expression over CaseRespondent: is this respondent in the user's track scope?"""
    q = track_scope_q(user)
    if q is None:
        return Value(False)
    return Value(True) if not q else ExpressionWrapper(q, output_field=BooleanField())


def scoped_tracks(user):
    """CaseRespondent rows with `in_scope` (whether the user may see this respondent in full), in case order."""
    return (CaseRespondent.objects.select_related("respondent", "agency").annotate(in_scope=_in_scope(user))
            .order_by("id"))


def tracks_prefetch(user):
    """Prefetch a page of cases' tracks for case_tracks (one query for the page)."""
    return Prefetch("tracks", queryset=scoped_tracks(user), to_attr="scoped_tracks")


def case_tracks(user, case) -> list:
    """The respondents of a case as this user may see them: their own rows when in scope, otherwise an
    OtherAgencyRespondent. Every page, API answer and print of a case's respondents goes through here."""
    tracks = getattr(case, "scoped_tracks", None)
    if tracks is None:
        tracks = scoped_tracks(user).filter(case=case).prefetch_related(blocks_prefetch())
    return [t if t.in_scope else OtherAgencyRespondent() for t in tracks]


def blocks_prefetch(prefix=""):
    """Each respondent's block cycles, oldest first, with who acted and the letters (case page, API)."""
    return Prefetch(prefix + "blocks", queryset=DataBlock.objects.select_related(
        "requested_by__agency", "recorded_by__agency", "lift_requested_by__agency", "lifted_by__agency",
        "withdrawn_by__agency", "request_letter", "record_letter", "lift_request_letter", "lift_letter")
        .defer("request_letter__pdf", "record_letter__pdf", "lift_request_letter__pdf", "lift_letter__pdf")
        .order_by("requested_at", "id"))


def hidden_track_ids(user, case) -> set:
    """Ids of the case's respondents outside the user's scope (their clocks, events and letters are left out)."""
    if sees_every_respondent(user):
        return set()
    q = track_scope_q(user)
    tracks = case.tracks.all() if q is None else case.tracks.exclude(q)
    return set(tracks.values_list("pk", flat=True))


def tracks_visible_to(user):
    """Every respondent row the user may see in full: in a case they may see and in their track scope."""
    q = track_scope_q(user)
    if q is None:
        return CaseRespondent.objects.none()
    return CaseRespondent.objects.filter(q, case__in=cases_visible_to(user).values("pk"))


def letters_visible_to(user):
    """Letters of cases in scope that name no respondent outside the user's scope (a recommendation to another
    agency's PPK is not theirs to read), and letters without a case (receipts) of the user's own agency, or all
    of them for an administrator."""
    if user.has_role(Role.ADMIN):
        own = Q(case__isnull=True)
    else:
        own = Q(case__isnull=True, agency_id=user.agency_id) if user.agency_id else Q(pk__in=[])
    qs = Letter.objects.filter(Q(case__in=cases_visible_to(user).values("pk")) | own)
    if not sees_every_respondent(user):
        q = track_scope_q(user)
        outside = CaseRespondent.objects.all() if q is None else CaseRespondent.objects.exclude(q)
        named = Letter.tracks.through.objects.filter(letter=OuterRef("pk"), caserespondent__in=outside)
        qs = qs.exclude(track__in=outside).filter(~Exists(named))
    return qs


def letter_for_user(user, pk) -> Letter:
    """One letter the user may read (with its PDF), else 404."""
    letter = letters_visible_to(user).filter(pk=pk).first()
    if letter is None:
        raise Http404
    return letter


# --- officer workspace: queue, home, portals (additive; the scope above is always the starting point) ---------

def case_queue(user, data, *, request=None, defer_fuzzy=False):
    """The case queue's FilterSet, bound to `data` over the user's scope (views and API share it).

    defer_fuzzy: see CaseFilterSet.filter_q; the caller then pages with `queue_page`, which falls back itself.
    """
    base = cases_visible_to(user).select_related("election", "region")
    filterset = CaseFilterSet(data=data, queryset=base, request=request)
    filterset.defer_fuzzy = defer_fuzzy
    return filterset


# What a queue row shows (cases/templatetags/queue_rows.py) plus every keyset sort key (cases.pagination.CASE_SORTS):
# the long text columns (description, search_document) are never read for the list.
QUEUE_ROW_FIELDS = ("id", "number", "title", "status", "region_code", "next_due",
                    "election_id", "election_name", "region_id", "region_name")


def queue_rows(qs, sort_field=None):
    """The queue's rows as named tuples of QUEUE_ROW_FIELDS (and `sort_field`, which the page's cursor is made
    of): a page of 50 Case, ElectionPeriod and Region instances cost more to build than the rest of the query;
    the list only reads these values. (received_at, shown nowhere in the list, is read only when sorting by age:
    50 time-zone-aware timestamps were 3 % of the page.)"""
    fields = QUEUE_ROW_FIELDS if sort_field in (None, *QUEUE_ROW_FIELDS) else (*QUEUE_ROW_FIELDS, sort_field)
    return (qs.select_related(None).annotate(election_name=F("election__name"), region_name=F("region__name"))
            .values_list(*fields, named=True))


def queue_page(filterset, *, cursor=None, per_page=50):
    """(page, queryset it came from) for a valid queue FilterSet built with defer_fuzzy=True.

    The exact search is paged first; only when it has nothing (its first page is empty, or a later page is
    empty and a probe confirms no exact match is left) does the typo-tolerant fallback run, exactly as
    CaseFilterSet.filter_q decides without defer_fuzzy. Raises InvalidCursor like keyset_paginate.
    """
    qs = filterset.qs
    sort = filterset.sort_value
    key = CASE_SORTS.get(sort)
    sort_field = key.field if key is not None else None  # an unknown sort: keyset_paginate raises InvalidCursor
    page = keyset_paginate(queue_rows(qs, sort_field), sort=sort, cursor=cursor, per_page=per_page)
    fuzzy = filterset.fuzzy_qs
    if not page.rows and fuzzy is not None and (cursor is None or not qs.exists()):
        qs = fuzzy
        page = keyset_paginate(queue_rows(qs, sort_field), sort=sort, cursor=cursor, per_page=per_page)
    return page, qs


def open_cases_visible_to(user):
    return cases_visible_to(user).exclude(status__in=CaseStatus.closed())


# Actions open at every stage (reassigning the case, referring it to Gakkumdu) are not what a stage waits for: with
# them Bawaslu's "waiting for your role" listed cases at the supervisory body's and the PPK's stages (#25.7).
SIDE_ACTIONS = {"assign", "refer_gakkumdu"}


def statuses_awaiting(user) -> set:
    """Statuses in which a role of this user has the stage's next step to take (read from the workflow table)."""
    out = set()
    for action, spec in TRANSITIONS.items():
        if action not in SIDE_ACTIONS and user.roles.intersection(spec.roles):
            out |= set(spec.sources)
    return out - CaseStatus.closed()


def home_buckets(user, *, limit=10) -> dict:
    """What needs this user now: own cases by clock urgency, and cases waiting for one of the user's roles."""
    today = timezone.localdate()
    open_qs = open_cases_visible_to(user).select_related("election", "region")
    mine = open_qs.filter(Q(bawaslu_owner=user) | Q(supervisor_owner=user))
    waiting = open_qs.filter(status__in=statuses_awaiting(user)) if statuses_awaiting(user) else open_qs.none()
    return {
        "overdue": list(mine.filter(Q(next_due__lt=today) | Q(status=CaseStatus.OVERDUE)).order_by("next_due", "id")[:limit]),
        "due_today": list(mine.filter(next_due=today).order_by("id")[:limit]),
        "due_week": list(mine.filter(next_due__gt=today, next_due__lte=today + dt.timedelta(days=7))
                         .order_by("next_due", "id")[:limit]),
        "waiting": list(waiting.filter(next_due__isnull=False).order_by("next_due", "id")[:limit]),
    }


def notifications_for(user, *, unread_only=False, limit=50):
    qs = user.notifications.select_related("case")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")[:limit]


def liaison_tracks(user, *, pending_only=False):
    """The PPK liaison's respondents with a recommendation (their own *instansi* only)."""
    if not user.agency_id:
        return CaseRespondent.objects.none()
    qs = (CaseRespondent.objects.filter(agency_id=user.agency_id, case__status__in=POST_RECOMMENDATION)
          .select_related("case", "respondent", "recommendation").prefetch_related("decisions__sanction_type", "blocks")
          .order_by("case__next_due", "-case_id"))
    if pending_only:
        qs = qs.filter(status=TrackStatus.RECOMMENDED)
    return qs


def decisions_awaiting_review(user):
    """PPK decisions "tidak sesuai rekomendasi" the supervisory body has not yet accepted or returned, in scope."""
    return (SanctionRecord.objects.filter(track__in=tracks_visible_to(user).values("pk"), active=True,
                                          review=DecisionReview.PENDING)
            .select_related("track__case", "track__respondent", "track__agency", "sanction_type").order_by("recorded_at", "id"))


def nonconforming_per_agency(user):
    """Decisions "tidak sesuai rekomendasi" per PPK (instansi), in scope: standing ones and those still pending."""
    return list(SanctionRecord.objects.filter(track__in=tracks_visible_to(user).values("pk"), active=True)
                .exclude(deviation="").values("track__agency__code", "track__agency__name")
                .annotate(n=Count("id"), pending=Count("id", filter=Q(review=DecisionReview.PENDING)))
                .order_by("-n", "track__agency__code"))


def track_clocks(tracks):
    """{track id: its open or latest PPK follow-up clock, else its receipt clock} for a page of tracks, in one query
    (before receipt the follow-up clock does not exist: the page shows when receipt will be presumed)."""
    ids = [t.pk for t in tracks]
    out = {}
    for clock in (Clock.objects.filter(track_id__in=ids, code__in=["PPK_RECEIPT", "PPK_FOLLOW_UP"]).select_related("rule")
                  .order_by("started_on", "id")):
        if clock.code == "PPK_FOLLOW_UP" or clock.track_id not in out:
            out[clock.track_id] = clock
    return out


def bkn_block_queue(user):
    """BKN's desk, read from the block cycles (DataBlock): blocks to record (requested, not yet recorded), blocks to
    lift (a request to lift them is waiting: a standing decision, the supervisory body's decision, or the case
    closed), and every block in force."""
    def due(code):  # the legal date BKN must act by: its running clock for this respondent
        return Subquery(Clock.objects.filter(track=OuterRef("track"), code=code, state=ClockState.RUNNING)
                        .order_by("-started_on", "-id").values("due_on")[:1])

    if not user.has_role("bkn_officer", "administrator"):
        none = DataBlock.objects.none()
        return {"to_block": none, "to_unblock": none, "blocked": none}
    base = DataBlock.objects.filter(ACTIVE_BLOCK).select_related(
        "track__case", "track__respondent", "track__agency", "requested_by__agency", "lift_requested_by__agency",
        "request_letter", "lift_request_letter")
    return {
        "to_block": base.filter(recorded_at__isnull=True, track__case__status=CaseStatus.OVERDUE)
        .annotate(due_on=due("BKN_BLOCK_RECORD")).order_by("requested_at", "id")[:100],
        "to_unblock": base.filter(recorded_at__isnull=False, lift_requested_at__isnull=False)
        .annotate(due_on=due("BKN_UNBLOCK_RECORD")).order_by("lift_requested_at", "id")[:100],
        "blocked": base.filter(recorded_at__isnull=False).order_by("-recorded_at", "-id")[:100],
        "today": local_today(),
    }


def ministry_overdue_agencies(user):
    """Per *instansi* in the ministry's remit: recommendations overdue with the PPK, most first (a queryset: the
    portal pages it and says how many there are, rather than stopping at a fixed number)."""
    kinds = []
    if user.has_role(Role.KEMENPANRB, Role.ADMIN):
        kinds.append(AgencyKind.CENTRAL)
    if user.has_role(Role.KEMENDAGRI, Role.ADMIN):
        kinds.append(AgencyKind.REGIONAL)
    if not kinds:
        return CaseRespondent.objects.none().values("agency__code")
    return (CaseRespondent.objects.filter(agency__kind__in=kinds, case__status=CaseStatus.OVERDUE,
                                          status=TrackStatus.RECOMMENDED)
            .values("agency__code", "agency__name", "agency__ppk_title", "agency__ppk_is_candidate")
            .annotate(n=Count("id"), oldest=Min("case__recommended_at")).order_by("-n", "agency__code"))


def escalations_for(user, *, limit=50):
    """Open cases escalated to this ministry (a `case.escalated` event naming its agency)."""
    code = {"kemenpanrb_officer": "KEMENPANRB", "kemendagri_officer": "KEMENDAGRI"}
    targets = [code[r] for r in user.roles if r in code]
    if not targets:
        return []
    events = (CaseEvent.objects.filter(code="case.escalated", case__in=open_cases_visible_to(user))
              .select_related("case").order_by("-id")[: limit * 2])
    out = []
    for event in events:
        named = event.payload.get("targets") or event.payload.get("target") or {}
        if not named or any(t in str(named) for t in targets):
            out.append(event)
    return out[:limit]


def officer_workload(user):
    """Open cases and overdue ones per assigned officer, for the officers this user can see."""
    today = timezone.localdate()
    open_qs = open_cases_visible_to(user)
    rows = []
    for field in ("bawaslu_owner", "supervisor_owner"):
        agg = (open_qs.filter(**{f"{field}__isnull": False}).values(field)
               .annotate(open=Count("id"), overdue=Count("id", filter=Q(next_due__lt=today) | Q(status=CaseStatus.OVERDUE))))
        users = {u.pk: u for u in User.objects.filter(pk__in=[r[field] for r in agg])}
        rows += [{"user": users.get(r[field]), "open": r["open"], "overdue": r["overdue"], "stage": field} for r in agg]
    return sorted(rows, key=lambda r: (-r["overdue"], -r["open"]))


def assignable_officers(user, case=None):
    """Officers a case may be given to: Bawaslu officers covering the region, and the supervisory staff.

    `user` is not read: without a case the list is the same for everyone.
    """
    qs = User.objects.filter(is_active=True, groups__name__in=[Role.BAWASLU, Role.ANALYST, Role.APPROVER]).distinct()
    if case is not None:
        prefixes = [case.region_code[:i] for i in range(2, len(case.region_code) + 1) if i in (2, 5, 8, 13)]
        qs = qs.filter(Q(groups__name__in=[Role.ANALYST, Role.APPROVER]) | Q(region__code__in=prefixes + ["00"]))
    return qs.select_related("agency").order_by("username")


def assignable_officer_options(user):
    """(id, username, first_name, last_name) of assignable_officers(user), for the queue's bulk-assign select.

    The ORM builds it on every request: compiling its SQL once instead saved 7.5 % of the queue page's
    instructions (34.33 -> 31.92 M per request, bench_instructions on 2026-12-07), under the 20 % that a
    replacement of framework behaviour must gain to stay.
    """
    return list(assignable_officers(user).select_related(None).values_list("id", "username", "first_name", "last_name"))



def prior_cases(case, user, *, limit=10):
    """Other cases (in the user's scope) of the same respondents, as far as the user may see those respondents
    in both cases: repeat violations show, and nobody learns of another agency's respondent."""
    mine = tracks_visible_to(user)
    respondent_ids = mine.filter(case=case).values("respondent_id")
    case_ids = mine.filter(respondent_id__in=respondent_ids).exclude(case=case).values("case_id")
    return cases_visible_to(user).filter(pk__in=case_ids).order_by("-id")[:limit]


def _hidden_parts(user, case):
    """(ids of the case's respondents outside the user's scope, ids of its letters the user may read or None
    for all): what a case's timeline leaves out for this user."""
    hidden = hidden_track_ids(user, case)
    if not hidden:
        return hidden, None
    return hidden, set(letters_visible_to(user).filter(case=case).values_list("pk", flat=True))


def _event_hidden(event, hidden, letters) -> bool:
    """An event about one respondent outside the scope (acknowledged, sanction, block, added), or the issue of
    a letter the user may not read."""
    payload = event.payload or {}
    if payload.get("track") in hidden:
        return True
    return letters is not None and event.code == "letter.issued" and payload.get("letter") not in letters


def _entry_shown(obj, kind, hidden, letters) -> bool:
    if kind == "letter":
        return letters is None or obj.pk in letters
    if kind == "clock":
        return obj.track_id not in hidden
    return not _event_hidden(obj, hidden, letters)


def case_timeline(case, user):
    """Events and letters of a case, oldest first, without those about respondents outside the user's scope."""
    hidden, letters = _hidden_parts(user, case)
    events = [{"at": e.at, "kind": "event", "obj": e} for e in case.events.select_related("actor")]
    rows = events + [{"at": lt.issued_at, "kind": "letter", "obj": lt} for lt in case.letters.defer("pdf")]
    return sorted((r for r in rows if _entry_shown(r["obj"], r["kind"], hidden, letters)), key=lambda r: r["at"])


def case_timeline_entries(case, user):
    """cases.timeline's full chronology (events, clocks, letters) for the API, filtered as case_timeline is."""
    hidden, letters = _hidden_parts(user, case)
    return [e for e in full_timeline(case) if _entry_shown(e.obj, e.kind, hidden, letters)]


def case_clocks(user, case):
    """The case's clocks, without the per-respondent ones of respondents outside the user's scope."""
    hidden = hidden_track_ids(user, case)
    return [c for c in case.clocks.select_related("rule", "track__respondent") if c.track_id not in hidden]


def case_access_records(user, case, *, limit=200):
    """Who opened this case's evidence and confidential letters, newest first; only for auditors (and
    administrators), else None. Displays of identities and respondent records are on the access page (privacy)."""
    if not user.has_perm("cases.view_access_records"):
        return None
    return list(AccessRecord.objects.filter(case=case, kind__in=[AccessKind.EVIDENCE_ORIGINAL, AccessKind.LETTER_CONFIDENTIAL])
                .select_related("user", "user_agency").order_by("-id")[:limit])


def _name_key(name: str) -> str:
    """A person's name without academic titles, punctuation and case ("Drs. Sugeng Riyadi, S.Pd." → "sugeng riyadi")."""
    words = re.split(r"[\s,]+", (name or "").casefold())
    return " ".join(re.sub(r"[^\w]", "", w) for w in words if w and "." not in w and re.sub(r"[^\w]", "", w))


def respondent_under_other_name(nip: str, name: str):
    """The respondent on record for this NIP when it carries another name (a typo in the NIP, or the same person
    written differently): the officer is warned before a case joins the two. None when it matches or is new."""
    nip = normalise_nip(nip) if nip else ""
    if not nip:
        return None
    recorded = Respondent.objects.filter(nip=nip).select_related("agency").first()
    if recorded is None or _name_key(recorded.name) == _name_key(name):
        return None
    return recorded
