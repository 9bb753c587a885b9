"""Training a new model version on the shipped data plus the reviewers' verdicts; an administrator activates it."""
from reports.screening.engine import train as engine
from reports.screening.models import ModelVersion, Post, Verdict
from reports.screening.services.versions import model_version_activate, model_version_register


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


def model_train(*, actor=None, data_dir=None, out_dir=None, activate: bool = False, train=None) -> ModelVersion:
    """Train on the shipped data plus the verdicts and register the version; an administrator activates it."""
    train = train or engine.train
    version, metrics = train(data_dir, out_dir or engine.MODEL_DIR, extra_labelled=training_examples(), activate=False)
    mv = model_version_register(actor=actor, version=version, metrics=metrics)
    if activate:
        model_version_activate(actor=None, model_version=mv)
    return mv
