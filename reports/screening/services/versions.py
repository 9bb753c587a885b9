"""Model versions: the one that scores posts (the administrator's choice, else the shipped ACTIVE), registering
a newly trained version, activating one (a rollback when it was trained before the active one), and the model's
audit trail (ModelVersionEvent: who, when, from which version to which, their leave-one-election-out figures)."""
import json

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Role
from reports.screening.models import ModelEventCode, ModelVersion, ModelVersionEvent
from reports.screening.services.common import ScreeningError


def _shipped_version() -> tuple[str, dict]:
    """The version named by the engine's ACTIVE file and its metrics.

    The one import inside a function in services/, on purpose: it brings scikit-learn, and this is the only thing the web
    process needs from it, once, on a fresh database (loading it at start-up measured +5 s and +100 MB per process).
    """
    from reports.screening.engine import model as engine_model
    version = engine_model.active_version()
    path = engine_model.MODEL_DIR / version / "metrics.json"
    return version, json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def model_version_active() -> ModelVersion:
    """The administrator's choice; on a fresh database the engine's shipped ACTIVE model is registered."""
    mv = ModelVersion.objects.filter(active=True).first()
    if mv:
        return mv
    try:
        version, metrics = _shipped_version()
    except FileNotFoundError:
        raise ScreeningError(_("Belum ada model terlatih: jalankan `manage.py screening_train`."))
    with transaction.atomic():
        mv, _created = ModelVersion.objects.get_or_create(version=version, defaults={"metrics": metrics})
        if not ModelVersion.objects.filter(active=True).exists():
            ModelVersion.objects.filter(pk=mv.pk).update(active=True)
            mv.active = True
            model_event(code=ModelEventCode.ACTIVATED, actor=None, model_version=mv,
                        via="reports/screening/model/ACTIVE (first use)")
    return mv


def model_version_register(*, actor, version: str, metrics: dict) -> ModelVersion:
    mv, _created = ModelVersion.objects.update_or_create(version=version, defaults={"metrics": metrics, "trained_by": actor})
    return mv


def model_version_activate(*, actor, model_version: ModelVersion, via: str = "") -> ModelVersion:
    """Only an administrator chooses which trained model scores posts; the switch is recorded (actor None: a
    command-line run by the operator, named by `via`)."""
    if actor is not None and not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("Hanya administrator yang dapat memilih model aktif."))
    with transaction.atomic():
        previous = ModelVersion.objects.select_for_update().filter(active=True).first()
        if previous and previous.pk == model_version.pk:
            model_version.active = True
            return model_version
        ModelVersion.objects.filter(active=True).update(active=False)
        ModelVersion.objects.filter(pk=model_version.pk).update(active=True)
        code = ModelEventCode.ROLLED_BACK if previous and _trained_at(model_version) < _trained_at(previous) \
            else ModelEventCode.ACTIVATED
        model_event(code=code, actor=actor, model_version=model_version, previous=previous, via=via)
    model_version.active = True
    return model_version


def _trained_at(mv: ModelVersion) -> str:
    """When the version was trained (its metrics' `created`, ISO 8601), else when it was registered."""
    return str(mv.metrics.get("created") or mv.created_at.isoformat())


def _figures(mv: ModelVersion | None) -> dict:
    """What the trail keeps of a version: its mean leave-one-election-out figures and review threshold."""
    if mv is None:
        return {}
    return {"version": mv.version, "loeo_mean": (mv.metrics.get("loeo") or {}).get("mean") or {},
            "review_threshold": mv.thresholds.get("review"), "recipe": (mv.metrics.get("recipe") or {}).get("name")}


def model_event(*, code: str, actor, model_version: ModelVersion, previous: ModelVersion | None = None,
                via: str = "", payload: dict | None = None) -> ModelVersionEvent:
    """Append one ModelVersionEvent: the screening model's one audit writer."""
    data = {"to": _figures(model_version), "from": _figures(previous), **({"via": via} if via else {}),
            **(payload or {})}
    return ModelVersionEvent.objects.create(code=code, actor=actor, actor_agency_id=getattr(actor, "agency_id", None),
                                            model_version=model_version, from_version=previous.version if previous else "",
                                            payload=data)


def model_events(limit: int = 50):
    return ModelVersionEvent.objects.select_related("actor", "model_version")[:limit]
