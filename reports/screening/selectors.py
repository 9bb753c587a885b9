"""Screening reads: the review queue (grouped, ordered by score × reach), evidence highlighting, threshold preview."""
from dataclasses import dataclass

from django.db.models import Case, Count, ExpressionWrapper, F, FloatField, Q, Value, When
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from cases.models import CaseRespondent, ElectionPeriod, ViolationType
from reports.screening.models import (
    Account, LexiconTerm, ModelVersion, Post, Score, ScoringRun, TermOrigin, Verdict,
)
from reports.screening.ocr import boxes_for_terms
from reports.screening.services.thresholds import thresholds_for
from reports.screening.services.versions import model_version_active

QUEUE_SCAN_LIMIT = 3000
PAGE_SIZE = 25


def undecided(qs):
    """Scores whose post, and whose near-duplicate group, no reviewer has decided yet."""
    return qs.exclude(post__verdicts__isnull=False).exclude(
        group_key__in=Verdict.objects.exclude(group_key="").values("group_key"))


@dataclass
class QueueItem:
    score: Score
    priority: float
    group_size: int
    is_priority: bool
    prior_cases: int
    election_default: ElectionPeriod | None = None  # for a post without an election: the one whose dates hold it

    @property
    def post(self) -> Post:
        return self.score.post

    @property
    def account(self) -> Account | None:
        return self.score.post.account

    @property
    def respondent(self):
        account = self.account
        return account.respondent if account is not None and account.is_verified else None

    @property
    def highlighted(self):
        return highlight(self.post.text, self.score.spans)

    @property
    def image_boxes(self) -> dict | None:
        """The image's size and a box (in its pixels) around every matched term; the page draws them as an SVG
        overlay whose viewBox is the image, so they scale with it (no inline style: the CSP forbids it)."""
        ocr = self.post.ocr or {}
        if not ocr.get("width") or not ocr.get("height"):
            return None
        return {"width": ocr["width"], "height": ocr["height"],
                "boxes": boxes_for_terms(ocr.get("words", []), self.score.matched_terms)}

    @property
    def normalised_only_terms(self):
        return sorted({s["term"] for s in self.score.spans if s.get("start", -1) < 0})


def highlight(text: str, spans) -> str:
    """The post text, escaped, with every raw-text evidence span inside <mark>."""
    marks = sorted({(s["start"], s["end"]) for s in spans or () if 0 <= s.get("start", -1) < s.get("end", -1) <= len(text)})
    out, pos = [], 0
    for start, end in marks:
        if start < pos:
            continue  # overlapping spans: the first one wins
        out += [escape(text[pos:start]), "<mark>", escape(text[start:end]), "</mark>"]
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))


def election_holding(moment, elections=None) -> ElectionPeriod | None:
    """The election whose period (starts_on..ends_on) holds this moment; when periods overlap (a Pemilu and the
    Pilkada of the same year), the one whose voting day is nearest. None without a moment or a holding period."""
    if moment is None:
        return None
    day = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    if elections is None:
        elections = ElectionPeriod.objects.filter(starts_on__lte=day, ends_on__gte=day)
    holding = [e for e in elections if e.starts_on and e.ends_on and e.starts_on <= day <= e.ends_on]
    return min(holding, key=lambda e: abs((e.voting_date or e.ends_on) - day), default=None)


def _default_thresholds(mv: ModelVersion) -> tuple[float, float]:
    return thresholds_for(None, mv)


def _per_election(model_version: ModelVersion, election: ElectionPeriod | None) -> tuple:
    """(review, priority) as SQL: each election's own thresholds (services.thresholds), else the model's."""
    review, priority = _default_thresholds(model_version)
    elections = [election] if election is not None else ElectionPeriod.objects.all()
    pairs = [(e.pk, thresholds_for(e, model_version)) for e in elections]
    if not pairs:
        return Value(review), Value(priority)
    return (Case(*[When(post__election_id=pk, then=Value(r)) for pk, (r, _p) in pairs], default=Value(review),
                 output_field=FloatField()),
            Case(*[When(post__election_id=pk, then=Value(p)) for pk, (_r, p) in pairs], default=Value(priority),
                 output_field=FloatField()))


def hits(model_version: ModelVersion, election: ElectionPeriod | None = None, query: str = ""):
    """Undecided scores at or above their election's review threshold, with reach and priority; `query` searches
    the post's text, the text read from its image, and the account."""
    review_at, priority_at = _per_election(model_version, election)
    qs = undecided(Score.objects.filter(model_version=model_version)).annotate(
        review_at=review_at,
        priority_at=priority_at,
        reach=F("post__followers") + F("post__likes") + F("post__shares"),
        rank=ExpressionWrapper(F("score") * (F("post__followers") + F("post__likes") + F("post__shares") + 1),
                               output_field=FloatField()),
    ).filter(score__gte=F("review_at"))
    if election is not None:
        qs = qs.filter(post__election=election)
    if query:
        qs = qs.filter(Q(post__text__icontains=query) | Q(post__ocr_text__icontains=query)
                       | Q(post__account_handle__icontains=query.lstrip("@")))
    return qs


def _prior_cases(respondent_ids) -> dict:
    rows = (CaseRespondent.objects.filter(respondent_id__in=respondent_ids).values("respondent_id")
            .annotate(n=Count("case_id", distinct=True)))
    return {r["respondent_id"]: r["n"] for r in rows}


def review_queue(*, election: ElectionPeriod | None = None, page: int = 1, query: str = "") -> tuple[list[QueueItem], int]:
    """One item per near-duplicate group, highest score × reach first; returns (items of the page, groups)."""
    mv = model_version_active()
    rows = list(hits(mv, election, query).select_related(
        "post__election", "post__account__respondent__agency", "model_version").order_by("-rank", "pk")[:QUEUE_SCAN_LIMIT])
    groups: dict = {}
    for score in rows:
        key = score.group_key or f"p{score.post_id}"
        if key in groups:
            groups[key][1] += 1
        else:
            groups[key] = [score, 1]
    ordered = list(groups.values())
    page_rows = ordered[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
    respondents = [s.post.account.respondent_id for s, _n in page_rows if s.post.account_id]
    prior = _prior_cases([r for r in respondents if r])
    elections = list(ElectionPeriod.objects.exclude(starts_on=None).exclude(ends_on=None))
    items = [QueueItem(score=s, priority=s.rank, group_size=n, is_priority=s.score >= s.priority_at,
                       prior_cases=prior.get(s.post.account.respondent_id, 0) if s.post.account_id else 0,
                       election_default=None if s.post.election_id else election_holding(s.post.posted_at, elections))
             for s, n in page_rows]
    return items, len(ordered)


def social_media_violations():
    return ViolationType.objects.filter(social_media=True, code__startswith="SOSMED_").order_by("code")


def recent_verdicts(limit: int = 20):
    return Verdict.objects.select_related("post", "reviewer", "violation_type", "finding")[:limit]


# --- threshold preview --------------------------------------------------------------------------------------------

def _pr(pairs, threshold: float) -> dict:
    """Precision and recall of `score >= threshold` against (score, is_partisan) pairs."""
    tp = sum(1 for s, y in pairs if s >= threshold and y)
    fp = sum(1 for s, y in pairs if s >= threshold and not y)
    fn = sum(1 for s, y in pairs if s < threshold and y)
    return {"n": len(pairs), "tp": tp, "fp": fp, "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else None, "recall": tp / (tp + fn) if tp + fn else None}


def verdict_pairs(model_version: ModelVersion, election: ElectionPeriod | None = None) -> list[tuple[float, bool]]:
    """(score, confirmed) for every post a reviewer decided, through its group, under this model version."""
    verdicts = Verdict.objects.all()
    if election is not None:
        verdicts = verdicts.filter(post__election=election)
    pairs = []
    for v in verdicts.values("post_id", "group_key", "decision"):
        qs = Score.objects.filter(model_version=model_version)
        qs = qs.filter(Q(post_id=v["post_id"]) | Q(group_key=v["group_key"])) if v["group_key"] else qs.filter(post_id=v["post_id"])
        pairs += [(s, v["decision"] == "confirm") for s in qs.values_list("score", flat=True)]
    return pairs


def validation_point(model_version: ModelVersion, threshold: float) -> dict | None:
    """From metrics.json: the validation curve point nearest the threshold, else the figures at the model's own
    threshold (then `exact` is False)."""
    metrics = model_version.metrics or {}
    curve = metrics.get("validation_curve") or metrics.get("pr_curve")
    if curve:
        point = min(curve, key=lambda p: abs(float(p.get("threshold", 0)) - threshold))
        return {**point, "exact": abs(float(point.get("threshold", 0)) - threshold) < 0.005}
    val = metrics.get("validation")
    if not val:
        return None
    return {"threshold": val.get("threshold"), "precision": val.get("precision"), "recall": val.get("recall"),
            "false_alarm_rate": val.get("false_alarm_rate"), "n": val.get("n"),
            "exact": abs(float(val.get("threshold") or 0) - threshold) < 0.005}


def threshold_preview(election: ElectionPeriod, review: float) -> dict:
    mv = model_version_active()
    pairs = verdict_pairs(mv, election)
    return {"review": review, "verdicts": _pr(pairs, review), "validation": validation_point(mv, review),
            "model_version": mv}


def elections_with_thresholds():
    mv = model_version_active()
    return [(e, *thresholds_for(e, mv)) for e in ElectionPeriod.objects.order_by("-voting_date")], mv


# --- lexicon, accounts, runs --------------------------------------------------------------------------------------

def _terms_of_election(election_slug: str | None):
    qs = LexiconTerm.objects.select_related("election", "edited_by")
    if election_slug == "any":
        return qs.filter(election__isnull=True)
    return qs.filter(election__slug=election_slug) if election_slug else qs


def lexicon_terms(election_slug: str | None = None):
    """The lexicon as it stands (pending suggestions are listed apart, by pending_suggestions)."""
    pending = Q(origin=TermOrigin.SUGGESTION, edited_by__isnull=True)
    return _terms_of_election(election_slug).exclude(pending).order_by("-active", "kind", "term")


def pending_suggestions(election_slug: str | None = None):
    """Short forms derived from a candidate list that no reviewer has accepted or rejected yet."""
    return _terms_of_election(election_slug).filter(origin=TermOrigin.SUGGESTION, edited_by__isnull=True) \
        .order_by("source_file", "source_row", "term")


def accounts_list(query: str = ""):
    qs = Account.objects.select_related("respondent__agency", "verified_by").annotate(n_posts=Count("posts"))
    if query:
        qs = qs.filter(Q(handle__icontains=query.lstrip("@")) | Q(respondent__name__icontains=query)
                       | Q(respondent__nip__startswith=query))
    return qs.order_by("platform", "handle")


def recent_runs(limit: int = 10):
    return ScoringRun.objects.select_related("model_version", "election")[:limit]


def unscored_count(model_version: ModelVersion) -> int:
    return Post.objects.exclude(scores__model_version=model_version).count()
