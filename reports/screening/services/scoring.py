"""Scoring posts with the active model, one chunk per transaction, and grouping the hits into near-duplicates.

Nothing here knows Celery: tasks.py calls chunk_process, services/runs.py creates and sends the chunks.
"""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from cases.models import ElectionPeriod, Role
from cases.services import notify, users_with_role
from reports.screening.engine.near_dup import group_near_duplicates
from reports.screening.models import ModelVersion, Post, RunStatus, Score, ScoringChunk, ScoringRun
from reports.screening.selectors import undecided
from reports.screening.services.scorer import scorer_for
from reports.screening.services.thresholds import thresholds_for

GROUP_THRESHOLD = 0.8


def posts_score(posts, model_version: ModelVersion) -> int:
    """Score posts not yet scored by this version; ON CONFLICT DO NOTHING makes a repeat a no-op."""
    posts = list(posts)
    done = set(Score.objects.filter(model_version=model_version, post__in=posts).values_list("post_id", flat=True))
    posts = [p for p in posts if p.pk not in done]
    if not posts:
        return 0
    scorer = scorer_for(model_version)
    by_election: dict = {}
    for post in posts:
        by_election.setdefault(post.election.slug if post.election_id else None, []).append(post)
    rows = []
    for slug, group in by_election.items():
        for post, result in zip(group, scorer.score_batch([p.screened_text for p in group], slug)):
            rows.append(Score(post=post, model_version=model_version, score=result["score"], label=result["label"],
                              probabilities=result["probs"], spans=result["spans"], group_key=str(post.pk),
                              matched_terms=sorted({s["term"] for s in result["spans"]})))
    return len(Score.objects.bulk_create(rows, ignore_conflicts=True))


def chunk_process(*, chunk_id: int) -> int:
    """Score one chunk in one transaction under its row lock: a worker killed midway leaves nothing behind,
    and a redelivered chunk that is already done is skipped."""
    with transaction.atomic():
        chunk = ScoringChunk.objects.select_for_update().select_related("run__model_version").filter(pk=chunk_id).first()
        if chunk is None or chunk.done_at is not None:
            return 0
        run = chunk.run
        scored = posts_score(Post.objects.filter(pk__in=chunk.post_ids).select_related("election"), run.model_version)
        chunk.scored, chunk.done_at = scored, timezone.now()
        chunk.save(update_fields=["scored", "done_at"])
        run = ScoringRun.objects.select_for_update().get(pk=run.pk)  # serialises the last chunks of one run
        if run.chunks.filter(done_at__isnull=True).exists():
            if run.status == RunStatus.QUEUED:
                run.status = RunStatus.RUNNING
                run.save(update_fields=["status"])
        else:
            scores_group(run.model_version)
            run.status, run.finished_at = RunStatus.DONE, timezone.now()
            run.save(update_fields=["status", "finished_at"])
            reviewers_notify(run)
    return scored


def reviewers_notify(run: ScoringRun) -> int:
    """Tell the screening reviewers, once per run, that a finished run left posts waiting in their queue."""
    waiting = review_hits(run.model_version).count()
    if not waiting:
        return 0
    return notify(users=users_with_role(Role.SCREENING), case=None, kind="screening_review",
                  message=gettext_lazy("Penilaian unggahan selesai: %(n)s unggahan di atas ambang menunggu tinjauan."),
                  params={"n": waiting}, dedupe=f"scoring_run:{run.pk}")


def review_hits(model_version: ModelVersion):
    """The undecided scores at or above the lowest review threshold in force (the review queue's posts)."""
    floor = min([model_version.thresholds.get("review", 0.5),
                 *(thresholds_for(e, model_version)[0] for e in ElectionPeriod.objects.all())])
    return undecided(Score.objects.filter(model_version=model_version, score__gte=floor))


def scores_group(model_version: ModelVersion) -> int:
    """Group undecided hits into near-duplicate groups; group_key = the oldest post of the group."""
    hits = list(review_hits(model_version).select_related("post").order_by("post_id"))
    groups = group_near_duplicates([(s.post_id, s.post.text) for s in hits], threshold=GROUP_THRESHOLD)
    changed = [s for s in hits if s.group_key != str(groups[s.post_id])]
    for score in changed:
        score.group_key = str(groups[score.post_id])
    Score.objects.bulk_update(changed, ["group_key"], batch_size=1000)
    return len(changed)
