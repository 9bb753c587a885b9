"""FilterSets for case lists, shared by the HTML queue and the REST API (no HTML concerns here).

Parameter names are a public contract (other screens and the statistics page link to them):
status, election, stage, region, agency, violation, sanction_category, clock_state, assigned,
received_from, received_to, reached, q, sort.
"""
import datetime as dt
import re

import django_filters as filters
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Agency, CaseRespondent, CaseStatus, Clock, ClockState, ElectionPeriod, Region, SanctionCategory, ViolationType,
)
from cases.permissions import sees_every_respondent, track_scope_q

REGION_CODE_RE = re.compile(r"^\d{2}(\.\d{2}){0,3}$")
CASE_NUMBER_RE = re.compile(r"^[A-Za-z]{2,5}-[0-9A-Za-z]{1,6}-\d{3,10}$")
NIP_RE = re.compile(r"^\d[\d ]{7,25}$")
SEARCH_CONFIG = "indonesian"
WORD_RE = re.compile(r"[^\W_]+")
Q_MAX = 100


CLOCK_STATES = [
    ("overdue", _("Terlambat")),
    ("due_today", _("Jatuh tempo hari ini")),
    ("due_week", _("Jatuh tempo 7 hari ke depan")),
    ("paused", _("Dijeda")),
    # Raw clock states, used by links from the statistics page.
    (ClockState.RUNNING, ClockState.RUNNING.label),
    (ClockState.MET, ClockState.MET.label),
    (ClockState.MISSED, ClockState.MISSED.label),
]

SORTS = [
    ("", _("Terbaru")),
    ("due", _("Tenggat terdekat")),
    ("-due", _("Tenggat terjauh")),
    ("age", _("Paling lama diterima")),
    ("region", _("Wilayah")),
]

REACHED = {
    "registered": Q(registered_at__isnull=False),
    "forwarded": Q(forwarded_at__isnull=False),
    "recommended": Q(recommended_at__isnull=False),
    "sanctioned": Q(followed_up_at__isnull=False) | Q(status__in=[CaseStatus.FOLLOWED_UP, CaseStatus.CLOSED_SANCTIONED]),
}


class FullTextMatch(Func):
    """search_document matches an Indonesian full-text query in which only the last word is a prefix, as in
    search-as-you-type: "sri wahyu" → 'sri' & 'wahyu':* finds "Sri Wahyuni" (the words before the last are taken
    as typed, stemmed by the `indonesian` configuration, so "unggah" still finds "mengunggah"). A prefix on every
    word made PostgreSQL scan the index entries of every word beginning with each short word (about twice the
    time at 1,000,000 cases); a name typed in part or with a typo is still found by the trigram fallback. The left
    side is exactly the expression of the GIN index case_search_fts, so PostgreSQL can use it."""

    template = "to_tsvector('indonesian'::regconfig, %(expressions)s) @@ to_tsquery('indonesian'::regconfig, %%s)"
    output_field = BooleanField()
    conditional = True

    def __init__(self, term, **extra):
        words = WORD_RE.findall(term.lower())[:8]
        self.query = " & ".join([*words[:-1], f"{words[-1]}:*"]) if words else "''"
        super().__init__(F("search_document"), **extra)

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return sql, (*params, self.query)


def _clock_exists(**lookups):
    return Exists(Clock.objects.filter(case=OuterRef("pk"), **lookups))


def search_q(term: str) -> Q:
    """Case number exactly; NIP as digits (trigram index); otherwise Indonesian full text, the last word as a prefix."""
    term = " ".join(term.split())
    if CASE_NUMBER_RE.match(term):
        return Q(number=term.upper())
    if NIP_RE.match(term):
        return Q(search_document__contains=term.replace(" ", ""))
    if not WORD_RE.findall(term.lower()):
        return Q(pk__lt=0)  # only punctuation: match nothing (no tsquery to build; pk__in=[] breaks the count estimate)
    return Q(FullTextMatch(term))


def scoped_search_q(term: str, track_q: Q | None) -> Q:
    """The search of a user who sees only some respondents (cases.permissions.track_scope_q): the case number,
    its summary and place, and the names and NIPs of the respondents in their scope, never the search document,
    which holds every respondent's name and NIP. Their cases are few, so matching row by row is cheap."""
    term = " ".join(term.split())
    digits = term.replace(" ", "")
    tracks = CaseRespondent.objects.filter(track_q if track_q is not None else Q(pk__in=[]), case=OuterRef("pk"))
    who = Q(respondent__nip=digits) if NIP_RE.match(term) else Q(respondent__name__icontains=term)
    return (Q(number__iexact=term) | Q(title__icontains=term) | Q(place__icontains=term)
            | Q(Exists(tracks.filter(who))))


def fuzzy_q(term: str) -> Q:
    """Typo-tolerant fallback for names (trigram word similarity), used only when full text finds nothing:
    evaluated row by row it is costly, so it never runs alongside a full-text hit."""
    return Q(search_document__trigram_word_similar=" ".join(term.lower().split()))


class _ChoicesOrAll(filters.fields.MultipleChoiceField):
    """A multiple choice in which the empty choice ("Semua", `status=`) means all: it is left out, not refused."""

    def clean(self, value):
        return super().clean([v for v in value or [] if v not in self.empty_values])


class ChoicesOrAllFilter(filters.MultipleChoiceFilter):
    field_class = _ChoicesOrAll


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the current time zone (Asia/Jakarta unless changed)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class CaseFilterSet(filters.FilterSet):
    """The case queue's filters. Scope is NOT applied here: pass a queryset already scoped by selectors."""

    status = ChoicesOrAllFilter(label=_("Status"), choices=CaseStatus.choices, distinct=False)
    election = filters.CharFilter(label=_("Pemilihan"), method="filter_election", max_length=40)
    stage = filters.NumberFilter(label=_("Tahapan"), field_name="stage_id", error_messages={
        "invalid": _("Tahapan diisi dengan nomor tahapan dari daftar, mis. 17.")})
    region = filters.CharFilter(label=_("Wilayah (kode, termasuk di bawahnya)"), method="filter_region", max_length=13)
    agency = filters.CharFilter(label=_("Instansi (kode)"), method="filter_agency", max_length=40)
    violation = filters.CharFilter(label=_("Jenis pelanggaran (kode)"), method="filter_violation", max_length=40)
    sanction_category = filters.ChoiceFilter(label=_("Kategori sanksi"), choices=SanctionCategory.choices,
                                             method="filter_sanction_category")
    clock_state = filters.ChoiceFilter(label=_("Tenggat"), choices=CLOCK_STATES, method="filter_clock_state")
    assigned = filters.CharFilter(label=_("Petugas yang ditugasi"), method="filter_assigned", max_length=12)
    received_from = filters.DateFilter(label=_("Diterima sejak"), field_name="received_at", method="filter_received_from")
    received_to = filters.DateFilter(label=_("Diterima sampai"), field_name="received_at", method="filter_received_to")
    reached = filters.ChoiceFilter(label=_("Tahap yang dicapai"), choices=[(k, k) for k in REACHED], method="filter_reached")
    q = filters.CharFilter(label=_("Cari"), method="filter_q", max_length=Q_MAX)
    sort = filters.ChoiceFilter(label=_("Urutkan"), choices=SORTS, method="filter_sort", empty_label=None)

    class Meta:
        fields = []

    def get_form_class(self):
        """django-filter builds a new form class with new fields for every request; none of these fields depends
        on the request (fixed choices, no querysets), so the class is built once per FilterSet class. Each form
        still gets its own copies of the fields, as Django makes them."""
        cls = type(self)
        form_class = cls.__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            cls._form_class = form_class
        return form_class

    # --- validation: each message names the field and the rule (before any filtering) ------------------------
    def is_valid(self):
        super().is_valid()  # the fields that cleaned are checked below too: every wrong field is named at once
        data = self.form.cleaned_data
        self._refs = {}
        checks = [
            ("election", lambda v: ElectionPeriod.objects.filter(slug=v).values_list("pk", flat=True).first(),
             _("Pemilihan \u201c%(v)s\u201d tidak dikenal; pilih dari daftar.")),
            ("region", lambda v: v if v == "00" or (REGION_CODE_RE.match(v) and Region.objects.filter(code=v).exists()) else None,
             _("Kode wilayah \u201c%(v)s\u201d tidak dikenal; gunakan kode Kemendagri, mis. 33 (provinsi) atau 33.01 "
               "(kabupaten/kota).")),
            ("agency", lambda v: Agency.objects.filter(code=v).values_list("pk", flat=True).first(),
             _("Kode instansi \u201c%(v)s\u201d tidak dikenal.")),
            ("violation", lambda v: ViolationType.objects.filter(code=v).values_list("pk", flat=True).first(),
             _("Kode jenis pelanggaran \u201c%(v)s\u201d tidak dikenal.")),
            ("assigned", self._assigned_user_id, _("Isi \u201cditugaskan\u201d dengan \u201cme\u201d atau nomor pengguna.")),
        ]
        for name, resolve, message in checks:
            value = (data.get(name) or "").strip()
            if value:
                ref = resolve(value)
                if ref is None:
                    self.form.add_error(name, message % {"v": value})
                else:
                    self._refs[name] = ref
        term = " ".join((data.get("q") or "").split())
        if data.get("q") and len(term) < 2:
            self.form.add_error("q", _("Kata pencarian minimal 2 huruf."))
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.form.add_error("received_to", _("Tanggal \u201cditerima sampai\u201d harus sama atau setelah "
                                                 "\u201cditerima sejak\u201d."))
        return not self.form.errors

    def _assigned_user_id(self, value):
        user = getattr(self.request, "user", None)
        if value == "me" and user is not None and user.is_authenticated:
            return user.pk
        return int(value) if re.fullmatch(r"[0-9]{1,18}", value) else None  # not isdigit(): "7²" is a digit string

    def _ref(self, name, value):
        refs = getattr(self, "_refs", None)
        if refs is None:  # used without is_valid() (e.g. .qs directly): validate now
            self.is_valid()
            refs = getattr(self, "_refs", {})
        if name not in refs:
            return None
        return refs[name]

    # --- filters ------------------------------------------------------------------------------------------
    def filter_election(self, qs, name, value):
        ref = self._ref(name, value)
        return qs.none() if ref is None else qs.filter(election_id=ref)

    def filter_region(self, qs, name, value):
        code = self._ref(name, value)
        if code is None:
            return qs.none()
        # Codes have fixed-width segments, so "this region and below" is the range [code, code + "/"):
        # "/" sorts right after ".", and a range (unlike LIKE) combines with the (region_code, id) keyset index.
        return qs if code == "00" else qs.filter(region_code__gte=code, region_code__lt=code + "/")

    # --- respondent scope (issue #28): filters on respondents look only at those the user may see ----------
    @property
    def track_q(self) -> Q | None:
        """None when the user sees every respondent of their cases; else the Q of those they may see."""
        user = getattr(self.request, "user", None)
        if user is None or sees_every_respondent(user):
            return None
        q = track_scope_q(user)
        return Q(pk__in=[]) if q is None else q

    def _tracks_exist(self, **lookups):
        track_q = self.track_q
        tracks = CaseRespondent.objects.filter(case=OuterRef("pk"), **lookups)
        return Exists(tracks if track_q is None else tracks.filter(track_q))

    def filter_agency(self, qs, name, value):
        ref = self._ref(name, value)
        return qs.none() if ref is None else qs.filter(self._tracks_exist(agency_id=ref))

    def filter_violation(self, qs, name, value):
        ref = self._ref(name, value)
        return qs.none() if ref is None else qs.filter(self._tracks_exist(recommendation__violation_types=ref))

    def filter_sanction_category(self, qs, name, value):
        return qs.filter(self._tracks_exist(recommendation__category=value))

    def filter_clock_state(self, qs, name, value):
        today = timezone.localdate()
        if value == "overdue":
            return qs.filter(Q(next_due__lt=today) | Q(status=CaseStatus.OVERDUE))
        if value == "due_today":
            return qs.filter(next_due=today)
        if value == "due_week":
            return qs.filter(next_due__gte=today, next_due__lte=today + dt.timedelta(days=7))
        if value == "paused":
            return qs.filter(_clock_exists(state=ClockState.PAUSED))
        return qs.filter(_clock_exists(state=value))

    def filter_assigned(self, qs, name, value):
        user_id = self._ref(name, value)
        if user_id is None:
            return qs.none()
        return qs.filter(Q(bawaslu_owner_id=user_id) | Q(supervisor_owner_id=user_id))

    # Received on a day = from that day's midnight to the next one's, in the site's time zone: the same rows as
    # received_at__date (which converts every row's timestamp, a full scan at 1,000,000 cases: 0.4-0.6 s), as a
    # range the (received_at, id) index serves.
    def filter_received_from(self, qs, name, value):
        return qs.filter(received_at__gte=_day_start(value))

    def filter_received_to(self, qs, name, value):
        if value >= dt.date.max:
            return qs
        return qs.filter(received_at__lt=_day_start(value + dt.timedelta(days=1)))

    def filter_reached(self, qs, name, value):
        return qs.filter(REACHED[value])

    # With defer_fuzzy the filter returns the exact matches and leaves the typo-tolerant fallback in `fuzzy_qs`
    # for the caller to use when the exact page comes back empty: the full-text match then runs once per request
    # instead of twice (an EXISTS probe, then the page), which is most of a search's database time.
    defer_fuzzy = False
    fuzzy_qs = None

    def filter_q(self, qs, name, value):
        term = " ".join(value.split())
        if len(term) < 2:
            return qs.none()
        track_q = self.track_q
        if track_q is not None:
            return qs.filter(scoped_search_q(term, track_q))
        exact = qs.filter(search_q(term))
        if len(term) < 4 or not WORD_RE.search(term):
            return exact
        if self.defer_fuzzy:
            self.fuzzy_qs = qs.filter(fuzzy_q(term))  # `q` is the last filter that narrows: qs has all the others
            return exact
        return exact if exact.exists() else qs.filter(fuzzy_q(term))

    def filter_sort(self, qs, name, value):
        return qs  # ordering belongs to the keyset paginator (cases.pagination), which reads this value

    @property
    def sort_value(self) -> str:
        data = getattr(self.form, "cleaned_data", None) or {}
        return data.get("sort") or ""

    def active(self) -> dict:
        """Filters in use, as query parameters (for links, exports and saved filters)."""
        data = getattr(self.form, "cleaned_data", None) or {}
        out = {}
        for key, value in data.items():
            if value in ("", None, []) or key == "sort":
                continue
            out[key] = value.isoformat() if isinstance(value, dt.date) else value
        return out


