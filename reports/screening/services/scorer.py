"""The engine's Scorer for a model version with the reviewers' lexicon, cached per process until the lexicon
changes (a Scorer takes seconds to load, a lexicon edit must take effect on the next chunk)."""
import threading

from django.db.models import Count, Max
from django.utils.translation import gettext as _

from reports.screening.engine.lexicon import Lexicon
from reports.screening.engine.model import Scorer
from reports.screening.models import LexiconTerm, ModelVersion
from reports.screening.services.common import ScreeningError
from reports.screening.services.lexicon import lexicon_rows

_cache_lock = threading.Lock()
_scorers: dict = {}


def _lexicon_revision() -> tuple:
    agg = LexiconTerm.objects.aggregate(n=Count("id"), at=Max("updated_at"))
    return agg["n"], agg["at"]


def scorer_for(model_version: ModelVersion) -> Scorer:
    """The engine's Scorer for this version with the reviewers' lexicon (cached per process until it changes)."""
    revision = _lexicon_revision()
    key = (model_version.version, revision)
    with _cache_lock:
        if key not in _scorers:
            base = next((s for (v, _r), s in _scorers.items() if v == model_version.version), None)
            try:
                base = base or Scorer(version=model_version.version)
            except FileNotFoundError:
                raise ScreeningError(_("Berkas model %(v)s tidak ditemukan.") % {"v": model_version.version})
            rows = lexicon_rows()
            _scorers.clear()
            _scorers[key] = base.with_lexicon(Lexicon(rows)) if rows else base
        return _scorers[key]
