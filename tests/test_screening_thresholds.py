"""An election's review threshold in the system (issue #30, point 2): the model's own threshold until the election
has posts, then its score distribution (no labels), then reviewers' verdicts on its posts, unless a reviewer
sets one; the queue and `screening_eval --election` follow it.  Posts and probabilities are written here."""
import json

import pytest
from django.core.management import call_command

from cases.models import ElectionPeriod
from reports.screening import selectors
from reports.screening.models import Decision, Post, Score, Verdict, VerdictLabel
from reports.screening.services.thresholds import election_thresholds, election_thresholds_set, thresholds_for
from reports.screening.services.versions import model_version_active

pytestmark = pytest.mark.django_db

# 150 everyday posts the model is sure about, 60 political, 40 partisan posts it scores low (an unseen race)
KINDS = [("other", [0.01, 0.04, 0.95], 150), ("political", [0.05, 0.90, 0.05], 60), ("partisan", [0.15, 0.80, 0.05], 40)]


def _posts(election, mv):
    out = []
    for kind, (pa, po, ot), n in KINDS:
        for k in range(n):
            post = Post.objects.create(platform="x", post_id=f"{election.slug}-{kind}-{k}", account_handle="asn_uji",
                                       election=election, text=f"unggahan uji {kind} {k}", sha256="0" * 64)
            out.append((Score.objects.create(post=post, model_version=mv, score=pa, label=kind,
                                             probabilities={"partisan": pa, "political": po, "other": ot}), kind))
    return out


@pytest.fixture
def election(db):
    return ElectionPeriod.objects.get(slug="pilkada-2024")


def test_threshold_follows_the_elections_posts_then_its_verdicts(election, screening_reviewer):
    mv = model_version_active()
    default = float(mv.thresholds["review"])
    assert election_thresholds(election, mv).basis == "model"
    assert thresholds_for(election, mv)[0] == default

    scored = _posts(election, mv)
    t = election_thresholds(election, mv)
    assert t.basis == "scores" and t.review == pytest.approx(0.15) and t.priority >= t.review
    # the queue uses it: the low-scoring partisan posts of this election are waiting for review
    waiting = set(selectors.hits(mv, election).values_list("post_id", flat=True))
    assert waiting == {s.post_id for s, kind in scored if kind == "partisan"}

    # reviewers decide 20 of the partisan posts and 15 everyday posts: the threshold is recalibrated from them
    for score, kind in [x for x in scored if x[1] == "partisan"][:20] + [x for x in scored if x[1] == "other"][:15]:
        Verdict.objects.create(post=score.post, reviewer=screening_reviewer, model_version=mv,
                               decision=Decision.CONFIRM if kind == "partisan" else Decision.DISMISS,
                               label=VerdictLabel.PARTISAN if kind == "partisan" else VerdictLabel.OTHER)
    t2 = election_thresholds(election, mv)
    assert t2.basis == "verdicts" and 0.01 < t2.review <= 0.15
    # what the system used before any verdict is still what `screening_eval --election` reports
    assert election_thresholds(election, mv, use_verdicts=False).basis == "scores"

    election_thresholds_set(actor=screening_reviewer, election=election, review=0.4, priority=0.6)
    t3 = election_thresholds(ElectionPeriod.objects.get(pk=election.pk), mv)
    assert (t3.review, t3.priority, t3.basis) == (0.4, 0.6, "reviewer")


def test_eval_for_an_election_without_posts_uses_the_files_own_distribution(tmp_path, capsys):
    call_command("screening_load_lexicon", verbosity=0)
    everyday = [f"Jadwal posyandu RW {k} pindah ke hari Kamis, bawa buku KIA ya ibu-ibu" for k in range(80)]
    campaign = [f"Ayo warga dukung calon nomor {k % 3 + 1}, pemimpin yang terbukti kerjanya!" for k in range(30)]
    path = tmp_path / "eval.csv"
    path.write_text("text,label\n" + "".join(f'"{t}",other\n' for t in everyday)
                    + "".join(f'"{t}",partisan\n' for t in campaign), encoding="utf-8")
    call_command("screening_eval", str(path), "--election", "pilkada-2024", "--json")
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["threshold_basis"] == "scores" and result["n"] == 110
    assert result["false_alarm_rate"] <= 0.02
    call_command("screening_eval", str(path), "--election", "pilkada-2024", "--threshold", "0.5", "--json")
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["threshold_basis"] == "--threshold"


def test_only_an_administrator_starts_a_training_run_and_versions_show_their_loeo(client, screening_reviewer,
                                                                                  administrator,
                                                                                  django_capture_on_commit_callbacks):
    from django.urls import reverse

    mv = model_version_active()
    client.force_login(screening_reviewer)
    assert client.post(reverse("screening:model_train")).status_code == 403
    page = client.get(reverse("screening:models")).content.decode()
    assert mv.version in page and "Latih versi baru" not in page
    client.force_login(administrator)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        resp = client.post(reverse("screening:model_train"), follow=True)
    assert len(callbacks) == 1  # the training task goes to the worker once the request commits
    assert "Pelatihan model dimulai" in resp.content.decode()
    page = client.get(reverse("screening:models")).content.decode()
    assert "Latih versi baru dengan putusan peninjau" in page
    if mv.metrics.get("loeo"):
        assert "Leave-one-election-out model aktif" in page and "pilkada-2018" in page


def test_an_administrator_rolls_back_to_the_previous_version_and_scoring_follows(client, screening_reviewer,
                                                                              administrator):
    """Retrained versions are kept; activating the previous one is the rollback. The page lists both with their
    leave-one-election-out figures, a reviewer may not switch, and the scorer and new scores follow the choice."""
    from django.urls import reverse

    from reports.screening.engine.model import MODEL_DIR
    from reports.screening.services.scorer import scorer_for
    from reports.screening.services.versions import model_version_register

    current = model_version_active()
    previous_name = "v20261125-a45c7f52"  # the model before #30's retraining, kept in the repository
    metrics = json.loads((MODEL_DIR / previous_name / "metrics.json").read_text(encoding="utf-8"))
    previous = model_version_register(actor=administrator, version=previous_name, metrics=metrics)
    assert model_version_active() == current and not previous.active

    client.force_login(screening_reviewer)
    assert client.post(reverse("screening:model_activate", args=[previous.pk])).status_code == 403
    assert model_version_active() == current
    client.force_login(administrator)
    page = client.get(reverse("screening:models")).content.decode()
    assert current.version in page and previous_name in page
    assert client.post(reverse("screening:model_activate", args=[previous.pk])).status_code == 302
    assert model_version_active() == previous
    assert scorer_for(model_version_active()).version == previous_name
    assert client.post(reverse("screening:model_activate", args=[current.pk])).status_code == 302  # and forward again
    assert model_version_active() == current and scorer_for(current).version == current.version
