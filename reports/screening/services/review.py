"""Reviewers' verdicts on a hit and its near-duplicate group: dismiss (kept as training data) or confirm into
a finding (temuan) that enters the Bawaslu intake queue with the post snapshot as provenance."""
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import ElectionPeriod, Region, ViolationType
from reports import services as intake
from reports.models import Anonymity, Channel, ReportKind
from reports.screening.models import Decision, Score, Verdict, VerdictLabel
from reports.screening.selectors import election_holding
from reports.screening.services.common import AlreadyDecided, ScreeningError, require_reviewer, xact_lock

MAX_LINKS = 50


def _lock_undecided(score_id: int) -> tuple[Score, list]:
    score = Score.objects.select_related("post__account__respondent__agency__region", "post__account__respondent__region",
                                         "post__election", "model_version").get(pk=score_id)
    xact_lock(f"screening-group:{score.model_version_id}:{score.group_key or score.post_id}")
    members = list(Score.objects.filter(model_version=score.model_version, group_key=score.group_key)
                   .select_related("post__account__respondent").order_by("post_id")) if score.group_key else [score]
    if Verdict.objects.filter(post__in=[m.post_id for m in members]).exists() or (
            score.group_key and Verdict.objects.filter(group_key=score.group_key,
                                                       model_version=score.model_version).exists()):
        raise AlreadyDecided(_("Unggahan ini (atau salinannya) sudah diputus oleh peninjau lain."))
    return score, members


def verdict_dismiss(*, actor, score_id: int, label: str = VerdictLabel.POLITICAL, note: str = "") -> Verdict:
    """Not a violation: the verdict is kept and becomes training data for the next model."""
    require_reviewer(actor)
    if label not in (VerdictLabel.POLITICAL, VerdictLabel.OTHER):
        raise ScreeningError(_("Label penolakan harus 'politik, tidak berpihak' atau 'bukan politik'."))
    with transaction.atomic():
        score, members = _lock_undecided(score_id)
        return Verdict.objects.create(post=score.post, group_key=score.group_key, model_version=score.model_version,
                                      reviewer=actor, decision=Decision.DISMISS, label=label, note=note,
                                      posts_covered=len(members))


def _region_of(respondent) -> Region:
    if respondent is not None and respondent.region_id:
        return respondent.region
    if respondent is not None and respondent.agency_id and respondent.agency.region_id:
        return respondent.agency.region
    return Region.objects.get(code="00")


def provenance(score: Score, members: list) -> dict:
    post = score.post
    return {"post": post.snapshot(), "sha256": post.sha256, "model_version": score.model_version.version,
            "score": round(score.score, 4), "matched_terms": score.matched_terms,
            "account_verified": bool(post.account_id and post.account.is_verified),
            "group": [{"post_id": m.post.post_id, "platform": m.post.platform, "account": m.post.account_handle,
                       "url": m.post.url, "sha256": m.post.sha256} for m in members]}


def _finding_description(score: Score, members: list, violation: ViolationType, note: str) -> str:
    post = score.post
    lines = [
        _("Temuan penapisan media sosial: %(v)s.") % {"v": violation.name_id}, "",
        _("Unggahan akun @%(h)s (%(p)s), diunggah %(at)s:") % {
            "h": post.account_handle, "p": post.platform,
            "at": timezone.localtime(post.posted_at).strftime("%d-%m-%Y %H:%M") if post.posted_at else "-"},
        "«" + post.text + "»", "",
        _("Tautan: %(u)s") % {"u": post.url or "-"},
        _("SHA-256 cuplikan: %(h)s") % {"h": post.sha256},
        _("Versi model: %(v)s; skor: %(s).2f") % {"v": score.model_version.version, "s": score.score},
        _("Istilah yang cocok: %(t)s") % {"t": ", ".join(score.matched_terms) or "-"},
    ]
    if not (post.account_id and post.account.is_verified):
        lines.append(_("Akun belum terverifikasi sebagai akun ASN."))
    if len(members) > 1:
        lines += ["", _("Salinan serupa (%(n)d unggahan):") % {"n": len(members) - 1}]
        lines += [f"- @{m.post.account_handle} {m.post.url} SHA-256 {m.post.sha256}" for m in members if m.pk != score.pk]
    if note:
        lines += ["", _("Catatan peninjau: %(n)s") % {"n": note}]
    return "\n".join(lines)


def verdict_confirm(*, actor, score_id: int, violation_type: ViolationType, election: ElectionPeriod | None = None,
                    note: str = "") -> Verdict:
    """A violation: a finding (temuan) enters the Bawaslu intake queue with the post snapshot as provenance."""
    require_reviewer(actor)
    if not violation_type.social_media:
        raise ScreeningError(_("Pilih jenis pelanggaran media sosial (SOSMED_*)."))
    with transaction.atomic():
        score, members = _lock_undecided(score_id)
        post = score.post
        election = election or post.election or election_holding(post.posted_at)
        if election is None:
            raise ScreeningError(_("Pilih pemilihan untuk temuan ini: unggahan belum terkait pemilihan."))
        respondent = post.account.respondent if post.account_id and post.account.is_verified else None
        fields = {
            "election": election, "region": _region_of(respondent),
            "respondent_name": (respondent.name if respondent else
                                _("Pemilik akun @%(h)s (%(p)s), belum terverifikasi") % {"h": post.account_handle,
                                                                                          "p": post.platform})[:200],
            "respondent_nip": respondent.nip or "" if respondent else "",
            "respondent_position": respondent.position if respondent else "",
            "respondent_agency": respondent.agency if respondent else None,
            "occurred_on": timezone.localtime(post.posted_at).date() if post.posted_at else None,
            "known_on": timezone.localdate(), "place": _("Media sosial (%(p)s)") % {"p": post.platform},
            "description": _finding_description(score, members, violation_type, note),
            "links": "\n".join(list(dict.fromkeys(m.post.url for m in members if m.post.url))[:MAX_LINKS]),
        }
        finding = intake.report_submit(fields=fields, anonymity=Anonymity.NAMED, pin=None, actor=actor,
                                       channel=Channel.SCREENING, kind=ReportKind.TEMUAN,
                                       idempotency_key=f"screening-post-{post.pk}")
        payload = provenance(score, members) | {"violation_type": violation_type.code}
        intake.event_record(report=finding, code="screening.post.confirmed", actor=actor, payload=payload)
        return Verdict.objects.create(post=post, group_key=score.group_key, model_version=score.model_version,
                                      reviewer=actor, decision=Decision.CONFIRM, label=VerdictLabel.PARTISAN,
                                      violation_type=violation_type, note=note, finding=finding,
                                      posts_covered=len(members))
