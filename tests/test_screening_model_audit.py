"""The screening model's audit trail (issue #30): every training run, activation and rollback is recorded, with who,
when, the version from and to and their leave-one-election-out figures, shown on /screening/model/ and in the
admin; the trail is append-only."""
import json

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from reports.screening.engine.model import MODEL_DIR
from reports.screening.models import ModelEventCode, ModelVersionEvent
from reports.screening.services.training import model_train
from reports.screening.services.versions import model_version_active, model_version_register

pytestmark = pytest.mark.django_db

PREVIOUS = "v20261125-a45c7f52"  # the model before #30's retraining, kept in the repository


def _previous(actor):
    metrics = json.loads((MODEL_DIR / PREVIOUS / "metrics.json").read_text(encoding="utf-8"))
    return model_version_register(actor=actor, version=PREVIOUS, metrics=metrics)


def test_rollback_and_activation_are_recorded_with_who_and_the_figures(client, administrator, screening_reviewer):
    current = model_version_active()
    previous = _previous(administrator)
    before = ModelVersionEvent.objects.count()

    client.force_login(screening_reviewer)
    assert client.post(reverse("screening:model_activate", args=[previous.pk])).status_code == 403
    assert ModelVersionEvent.objects.count() == before  # a refused switch records nothing

    client.force_login(administrator)
    assert client.post(reverse("screening:model_activate", args=[previous.pk])).status_code == 302
    rollback = ModelVersionEvent.objects.latest("id")
    assert (rollback.code, rollback.actor, rollback.model_version, rollback.from_version) == (
        ModelEventCode.ROLLED_BACK, administrator, previous, current.version)
    assert rollback.actor_agency_id == administrator.agency_id
    if current.metrics.get("loeo"):
        assert rollback.payload["from"]["loeo_mean"]["pr_auc"] == pytest.approx(current.metrics["loeo"]["mean"]["pr_auc"])

    assert client.post(reverse("screening:model_activate", args=[current.pk])).status_code == 302
    forward = ModelVersionEvent.objects.latest("id")
    assert (forward.code, forward.model_version, forward.from_version) == (
        ModelEventCode.ACTIVATED, current, previous.version)
    # activating the version already active changes nothing and records nothing
    assert client.post(reverse("screening:model_activate", args=[current.pk])).status_code == 302
    assert ModelVersionEvent.objects.count() == before + 2

    page = client.get(reverse("screening:models")).content.decode()
    assert "Riwayat model" in page and "Model dikembalikan ke versi sebelumnya" in page
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "Riwayat" not in title  # the history table is in the page, not in its <title>
    assert administrator.username in page or str(administrator) in page
    client.cookies["django_language"] = "en"
    page = client.get(reverse("screening:models"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Model history" in page and "Model rolled back to an earlier version" in page


def test_a_training_run_is_recorded_beside_the_version_active_then(administrator):
    current = model_version_active()

    def fake_train(data_dir, out_dir, extra_labelled=(), activate=True):  # the real fit takes minutes
        return "v-uji-audit", {"created": "2099-01-01T00:00:00+00:00", "thresholds": {"review": 0.3},
                               "loeo": {"mean": {"pr_auc": 0.7}}}

    mv = model_train(actor=administrator, data_dir="unused", train=fake_train)
    trained = ModelVersionEvent.objects.get(model_version=mv)
    assert (trained.code, trained.actor, trained.from_version) == (ModelEventCode.TRAINED, administrator, current.version)
    assert trained.payload["to"]["loeo_mean"]["pr_auc"] == 0.7 and trained.payload["to"]["review_threshold"] == 0.3
    assert not mv.active and model_version_active() == current

    # a command-line run (no signed-in actor) that activates at once: both recorded, attributed to the command
    mv2 = model_train(data_dir="unused", activate=True, via="manage.py screening_train (pengguna sistem uji)",
                      train=lambda *a, **k: ("v-uji-audit-2", {"created": "2099-01-02T00:00:00+00:00"}))
    codes = list(ModelVersionEvent.objects.filter(model_version=mv2).order_by("id").values_list("code", "actor",
                                                                                              "payload__via"))
    assert codes == [(ModelEventCode.TRAINED, None, "manage.py screening_train (pengguna sistem uji)"),
                     (ModelEventCode.ACTIVATED, None, "manage.py screening_train (pengguna sistem uji)")]


def test_the_trail_is_append_only_and_shown_in_the_admin(client, administrator):
    current = model_version_active()
    previous = _previous(administrator)
    client.force_login(administrator)
    resp = client.post(reverse("admin:screening_modelversion_changelist"),
                       {"action": "activate", "_selected_action": [previous.pk]}, follow=True)
    assert resp.status_code == 200 and model_version_active() == previous
    event = ModelVersionEvent.objects.latest("id")
    assert (event.code, event.actor, event.from_version, event.payload["via"]) == (
        ModelEventCode.ROLLED_BACK, administrator, current.version, "admin")

    page = client.get(reverse("admin:screening_modelversion_change", args=[previous.pk])).content.decode()
    assert "screening.model.rolled_back" in page or "Model dikembalikan" in page
    assert client.get(reverse("admin:screening_modelversionevent_changelist")).status_code == 200

    for change in (lambda: ModelVersionEvent.objects.filter(pk=event.pk).update(from_version="x"),
                   lambda: ModelVersionEvent.objects.filter(pk=event.pk).delete()):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
