"""Model versions: the one that scores posts (the administrator's choice, else the shipped ACTIVE), registering
a newly trained version, activating one."""
import json

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Role
from reports.screening.models import ModelVersion
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
    return mv


def model_version_register(*, actor, version: str, metrics: dict) -> ModelVersion:
    mv, _created = ModelVersion.objects.update_or_create(version=version, defaults={"metrics": metrics, "trained_by": actor})
    return mv


def model_version_activate(*, actor, model_version: ModelVersion) -> ModelVersion:
    """Only an administrator chooses which trained model scores posts."""
    if actor is not None and not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("Hanya administrator yang dapat memilih model aktif."))
    with transaction.atomic():
        ModelVersion.objects.filter(active=True).exclude(pk=model_version.pk).update(active=False)
        ModelVersion.objects.filter(pk=model_version.pk).update(active=True)
    model_version.active = True
    return model_version
