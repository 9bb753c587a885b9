"""The review and priority thresholds that apply to an election's posts.

In this order: a reviewer's explicit setting for the election; the threshold recalibrated from reviewers'
verdicts on that election's posts (once there are enough); the threshold from the election's own score
distribution, without labels (``engine.threshold.election_threshold``); the model's own thresholds.  A raw
threshold learnt on other elections misses partisan posts of a new one, whose scores are compressed
(issue #30, ``reports/screening/data/loeo.md``).  Computed figures are cached until the election gains a
score or a verdict.
"""
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import ElectionPeriod
from reports.screening.engine.threshold import MIN_POSTS, election_threshold, verdict_threshold
from reports.screening.models import Decision, ModelVersion, Score, Verdict
from reports.screening.services.common import ScreeningError, require_reviewer

BASIS_LABELS = {
    "reviewer": gettext_lazy("ditetapkan peninjau"),
    "verdicts": gettext_lazy("dikalibrasi dari putusan peninjau"),
    "scores": gettext_lazy("dari sebaran skor pemilihan ini"),
    "model": gettext_lazy("ambang bawaan model"),
}
CACHE_SECONDS = 600


@dataclass(frozen=True)
class Thresholds:
    review: float
    priority: float
    basis: str  # a key of BASIS_LABELS

    @property
    def basis_label(self) -> str:
        return str(BASIS_LABELS[self.basis])


def _model_defaults(model_version: ModelVersion) -> tuple[float, float]:
    default = model_version.thresholds
    return float(default.get("review", 0.5)), float(default.get("priority", 0.9))


def _scores(election, model_version):
    return Score.objects.filter(model_version=model_version, post__election=election)


def _probabilities(election, model_version) -> np.ndarray:
    rows = _scores(election, model_version).values_list("probabilities", flat=True)
    return np.array([[p.get("partisan", 0.0), p.get("political", 0.0), p.get("other", 0.0)] for p in rows])


def _verdict_rows(election, model_version) -> tuple[list[float], list[str]]:
    """(score, label) of each decided post of the election under this version (confirm = partisan)."""
    rows = Score.objects.filter(model_version=model_version, post__election=election,
                                post__verdicts__isnull=False).values_list("score", "post__verdicts__decision",
                                                                          "post__verdicts__label")
    return [s for s, _d, _l in rows], ["partisan" if d == Decision.CONFIRM else lab for _s, d, lab in rows]


def _weights(scores: list[float], below: float, election, model_version) -> np.ndarray:
    """Verdicts on posts below the distribution threshold came from calibration samples of the queue: each
    stands for (posts in that band) / (decided posts in that band)."""
    s = np.asarray(scores, dtype=float)
    low = s < below
    if not low.any():
        return np.ones(len(s))
    band = _scores(election, model_version).filter(score__lt=below).count()
    return np.where(low, max(band, 1) / low.sum(), 1.0)


def _computed(election: ElectionPeriod, model_version: ModelVersion, use_verdicts: bool) -> tuple[float, str]:
    default_review, _p = _model_defaults(model_version)
    proba = _probabilities(election, model_version)
    review = election_threshold(proba, default=default_review) if len(proba) else default_review
    basis = "scores" if len(proba) >= MIN_POSTS else "model"
    if use_verdicts:
        scores, labels = _verdict_rows(election, model_version)
        recalibrated = verdict_threshold(scores, labels, _weights(scores, review, election, model_version)) \
            if scores else None
        if recalibrated is not None:
            return recalibrated, "verdicts"
    return review, basis


def _cache_key(election, model_version, use_verdicts) -> str:
    agg = _scores(election, model_version).aggregate(n=Count("id"), last=Max("id"))
    n_verdicts = Verdict.objects.filter(post__election=election).count() if use_verdicts else -1
    return f"screening:thr:{election.pk}:{model_version.pk}:{agg['n']}:{agg['last']}:{n_verdicts}"


def election_thresholds(election: ElectionPeriod | None, model_version: ModelVersion,
                        use_verdicts: bool = True) -> Thresholds:
    """The thresholds for ``election`` and where they come from.  ``use_verdicts=False``: what the system
    uses for an election whose posts no reviewer has decided yet (``screening_eval --election``)."""
    default_review, default_priority = _model_defaults(model_version)
    if election is None:
        return Thresholds(default_review, default_priority, "model")
    if election.screening_review_threshold is not None:
        priority = election.screening_priority_threshold
        return Thresholds(election.screening_review_threshold,
                          priority if priority is not None else max(default_priority, election.screening_review_threshold),
                          "reviewer")
    key = _cache_key(election, model_version, use_verdicts)
    got = cache.get(key)
    if got is None:
        got = _computed(election, model_version, use_verdicts)
        cache.set(key, got, CACHE_SECONDS)
    review, basis = got
    priority = election.screening_priority_threshold
    return Thresholds(review, priority if priority is not None else max(default_priority, review), basis)


def thresholds_for(election: ElectionPeriod | None, model_version: ModelVersion) -> tuple[float, float]:
    """(review, priority) for ``election`` (see ``election_thresholds``)."""
    t = election_thresholds(election, model_version)
    return t.review, t.priority


def election_thresholds_set(*, actor, election: ElectionPeriod, review: float, priority: float) -> ElectionPeriod:
    require_reviewer(actor)
    if not (0 <= review <= 1 and 0 <= priority <= 1):
        raise ScreeningError(_("Ambang harus antara 0 dan 1."))
    if priority < review:
        raise ScreeningError(_("Ambang prioritas tidak boleh lebih rendah dari ambang tinjauan."))
    election.screening_review_threshold, election.screening_priority_threshold = review, priority
    election.save(update_fields=["screening_review_threshold", "screening_priority_threshold"])
    return election
