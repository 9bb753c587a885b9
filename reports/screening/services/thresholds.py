"""The review and priority thresholds that apply to an election's posts."""
from django.utils.translation import gettext as _

from cases.models import ElectionPeriod
from reports.screening.models import ModelVersion
from reports.screening.services.common import ScreeningError, require_reviewer


def thresholds_for(election: ElectionPeriod | None, model_version: ModelVersion) -> tuple[float, float]:
    """(review, priority): the election's settings, else the model's validation thresholds."""
    default = model_version.thresholds
    review = election.screening_review_threshold if election and election.screening_review_threshold is not None \
        else float(default.get("review", 0.5))
    priority = election.screening_priority_threshold if election and election.screening_priority_threshold is not None \
        else float(default.get("priority", 0.9))
    return review, priority


def election_thresholds_set(*, actor, election: ElectionPeriod, review: float, priority: float) -> ElectionPeriod:
    require_reviewer(actor)
    if not (0 <= review <= 1 and 0 <= priority <= 1):
        raise ScreeningError(_("Ambang harus antara 0 dan 1."))
    if priority < review:
        raise ScreeningError(_("Ambang prioritas tidak boleh lebih rendah dari ambang tinjauan."))
    election.screening_review_threshold, election.screening_priority_threshold = review, priority
    election.save(update_fields=["screening_review_threshold", "screening_priority_threshold"])
    return election
