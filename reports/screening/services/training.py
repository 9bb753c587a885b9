"""Training a new model version on the shipped data plus the reviewers' verdicts; an administrator activates it."""
from celery import current_app
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Role
from reports.screening.models import ModelEventCode, ModelVersion, Post, Verdict
from reports.screening.services.versions import (model_event, model_version_activate, model_version_register)

TRAIN_TASK = "screening.train_model"


def training_examples() -> list[tuple[str, str]]:
    """Reviewers' verdicts as (text, label): each distinct text of the decided post and its near-duplicates."""
    out, seen = [], set()
    for verdict in Verdict.objects.select_related("post").order_by("pk"):
        texts = [verdict.post.text]
        if verdict.group_key:
            texts += list(Post.objects.filter(scores__group_key=verdict.group_key,
                                              scores__model_version=verdict.model_version).values_list("text", flat=True))
        for text in texts:
            if text not in seen:
                seen.add(text)
                out.append((text, verdict.label))
    return out


def model_train(*, actor=None, data_dir=None, out_dir=None, activate: bool = False, train=None,
                via: str = "") -> ModelVersion:
    """Train on the shipped data plus the verdicts and register the version; an administrator activates it. The
    run is recorded beside the version active then (`via` names a command-line run, which has no actor)."""
    from reports.screening.engine import train as engine  # scikit-learn: the worker's, not the web process's

    train = train or engine.train
    active = ModelVersion.objects.filter(active=True).first()
    examples = training_examples()
    version, metrics = train(data_dir, out_dir or engine.MODEL_DIR, extra_labelled=examples, activate=False)
    with transaction.atomic():
        mv = model_version_register(actor=actor, version=version, metrics=metrics)
        model_event(code=ModelEventCode.TRAINED, actor=actor, model_version=mv, previous=active, via=via,
                    payload={"n_verdict_texts": len(examples)})
    if activate:
        model_version_activate(actor=None, model_version=mv, via=via or "screening_train --activate")
    return mv


def model_train_enqueue(*, actor) -> None:
    """Queue a training run for the worker (an administrator's button); the new version is registered inactive."""
    if not actor.has_role(Role.ADMIN):
        raise PermissionDenied(_("Hanya administrator yang dapat melatih model baru."))
    transaction.on_commit(lambda: current_app.send_task(TRAIN_TASK, kwargs={"actor_id": actor.pk}))
