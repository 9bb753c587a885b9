"""Screening models: posts, the ASN account registry, the lexicon, model versions, scores, runs and verdicts."""
import hashlib
import json

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Agency, ElectionPeriod, Respondent, ViolationType


def normalise_handle(raw: str) -> str:
    """What people type ("@Budi_Santoso ", "budi_santoso") to the stored form."""
    return (raw or "").strip().lstrip("@").lower()


class Account(models.Model):
    """An ASN's social-media account: handle → respondent (NIP, instansi), verified by a reviewer."""

    platform = models.CharField(_("platform"), max_length=20)
    handle = models.CharField(_("akun"), max_length=100)
    respondent = models.ForeignKey(Respondent, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="screening_accounts", verbose_name=_("terlapor"))
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("instansi"))
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["platform", "handle"]
        constraints = [models.UniqueConstraint(fields=["platform", "handle"], name="screening_uniq_account")]
        verbose_name = _("akun ASN")
        verbose_name_plural = _("akun ASN")

    def __str__(self):
        return f"{self.platform}:@{self.handle}"

    @property
    def is_verified(self):
        return bool(self.respondent_id and self.verified_at)


class Post(models.Model):
    """One imported post, kept as it was read; `sha256` fingerprints its snapshot for the finding's provenance."""

    platform = models.CharField(_("platform"), max_length=20)
    post_id = models.CharField(_("ID unggahan"), max_length=100)
    account_handle = models.CharField(_("akun"), max_length=100)
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="posts")
    election = models.ForeignKey(ElectionPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("pemilihan"))
    url = models.URLField(_("tautan"), max_length=500, blank=True)
    text = models.TextField(_("teks"))
    posted_at = models.DateTimeField(_("waktu unggah"), null=True, blank=True)
    followers = models.PositiveBigIntegerField(_("pengikut"), default=0)
    likes = models.PositiveBigIntegerField(_("suka"), default=0)
    shares = models.PositiveBigIntegerField(_("bagikan"), default=0)
    media_ref = models.CharField(_("rujukan media"), max_length=500, blank=True)
    imported_at = models.DateTimeField(default=timezone.now)
    sha256 = models.CharField("SHA-256", max_length=64)
    image = models.FileField(_("gambar"), upload_to="screening/posts/%Y/%m/", max_length=200, blank=True)
    ocr_text = models.TextField(_("teks dalam gambar"), blank=True)
    ocr = models.JSONField(default=dict, blank=True)  # {"width", "height", "words"} from reports.screening.ocr

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["platform", "post_id"], name="screening_uniq_post")]
        indexes = [models.Index(fields=["platform", "account_handle"])]
        verbose_name = _("unggahan")
        verbose_name_plural = _("unggahan")

    def __str__(self):
        return f"{self.platform}:{self.post_id}"

    @property
    def reach(self) -> int:
        return self.followers + self.likes + self.shares

    @property
    def screened_text(self) -> str:
        """What the model scores: the post's text, then the text read from its image."""
        return f"{self.text}\n{self.ocr_text}" if self.ocr_text else self.text

    def snapshot(self) -> dict:
        """The fields a finding quotes; their canonical JSON is what `sha256` fingerprints."""
        return {"platform": self.platform, "post_id": self.post_id, "account": self.account_handle,
                "url": self.url, "text": self.text,
                "posted_at": self.posted_at.isoformat() if self.posted_at else None}

    def compute_sha256(self) -> str:
        blob = json.dumps(self.snapshot(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class TermKind(models.TextChoices):
    CANDIDATE = "candidate", _("Calon")
    PAIR_NUMBER = "pair_number", _("Nomor urut")
    PARTY = "party", _("Partai")
    SLOGAN = "slogan", _("Slogan")
    HASHTAG = "hashtag", _("Tagar")
    CAMPAIGN_VERB = "campaign_verb", _("Kata kampanye")
    GESTURE = "gesture", _("Gestur")


class TermOrigin(models.TextChoices):
    REFERENCE = "reference", _("Leksikon rujukan")
    REVIEWER = "reviewer", _("Peninjau")
    CANDIDATE_LIST = "candidate_list", _("Daftar calon resmi")
    SUGGESTION = "suggestion", _("Usulan dari daftar calon")


class LexiconTerm(models.Model):
    """A lexicon entry of one election (or of every election when `election` is empty), editable by reviewers.

    Terms imported from an official candidate list keep the file and row they came from; the short forms and
    nicknames derived from it are suggestions (inactive) until a reviewer accepts or rejects them (edited_by set).
    """

    election = models.ForeignKey(ElectionPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("pemilihan"))
    term = models.CharField(_("istilah"), max_length=200)
    kind = models.CharField(_("jenis"), max_length=20, choices=TermKind.choices)
    side = models.CharField(_("pihak"), max_length=80, blank=True)
    weight = models.FloatField(_("bobot"), default=0.5)
    note = models.CharField(_("catatan"), max_length=300, blank=True)
    active = models.BooleanField(_("aktif"), default=True)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    origin = models.CharField(_("asal"), max_length=20, choices=TermOrigin.choices, default=TermOrigin.REVIEWER)
    source_file = models.CharField(_("berkas sumber"), max_length=200, blank=True)
    source_row = models.PositiveIntegerField(_("baris sumber"), null=True, blank=True)

    class Meta:
        ordering = ["election", "kind", "term"]
        constraints = [
            models.UniqueConstraint(fields=["election", "term", "kind", "side"], nulls_distinct=False,
                                    name="screening_uniq_term"),
            models.CheckConstraint(condition=Q(weight__gte=0) & Q(weight__lte=1), name="screening_term_weight_0_1"),
        ]
        verbose_name = _("istilah leksikon")
        verbose_name_plural = _("leksikon")

    def __str__(self):
        return self.term

    @property
    def election_slug(self) -> str:
        return self.election.slug if self.election_id else "any"

    @property
    def is_pending_suggestion(self) -> bool:
        return self.origin == TermOrigin.SUGGESTION and self.edited_by_id is None


class ModelVersion(models.Model):
    """A trained model (files under reports/screening/model/<version>/) with its metrics; one is active."""

    version = models.CharField(max_length=60, unique=True)
    metrics = models.JSONField(default=dict, blank=True)
    active = models.BooleanField(_("aktif"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    trained_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["active"], condition=Q(active=True),
                                               name="screening_one_active_model")]
        verbose_name = _("versi model")
        verbose_name_plural = _("versi model")

    def __str__(self):
        return self.version

    @property
    def thresholds(self) -> dict:
        return self.metrics.get("thresholds") or {}


class ModelEventCode(models.TextChoices):
    TRAINED = "screening.model.trained", _("Versi baru dilatih")
    ACTIVATED = "screening.model.activated", _("Model diaktifkan")
    ROLLED_BACK = "screening.model.rolled_back", _("Model dikembalikan ke versi sebelumnya")


class ModelVersionEvent(models.Model):
    """The audit trail of the screening model: each training run, activation and rollback, who did it, the
    version from and to and their leave-one-election-out figures. Append-only (a database trigger refuses UPDATE
    and DELETE); written only through services.versions.model_event."""

    at = models.DateTimeField(_("waktu"), default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("oleh"))
    actor_agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("peristiwa"), max_length=40, choices=ModelEventCode.choices)
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="events",
                                      verbose_name=_("versi model"))
    from_version = models.CharField(_("dari versi"), max_length=60, blank=True)
    payload = models.JSONField(default=dict, blank=True)  # {"to": {loeo mean}, "from": {loeo mean}, "via": ...}

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("riwayat model")
        verbose_name_plural = _("riwayat model")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.code} {self.model_version}"


class Score(models.Model):
    """One post scored by one model version; unique so a repeated chunk never scores a post twice."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="scores")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="scores")
    score = models.FloatField()
    label = models.CharField(max_length=20)
    probabilities = models.JSONField(default=dict)
    spans = models.JSONField(default=list)
    matched_terms = models.JSONField(default=list)
    group_key = models.CharField(max_length=40, blank=True)  # near-duplicate group: the leader's post id
    scored_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "model_version"], name="screening_uniq_score")]
        indexes = [models.Index(fields=["model_version", "-score"]), models.Index(fields=["model_version", "group_key"])]
        verbose_name = _("skor")
        verbose_name_plural = _("skor")

    def __str__(self):
        return f"{self.post} {self.score:.3f}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Berjalan")
    DONE = "done", _("Selesai")


class ScoringRun(models.Model):
    """A batch of posts to score, split into chunks; progress = done chunks / chunks."""

    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="+")
    election = models.ForeignKey(ElectionPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total_posts = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"run {self.pk} ({self.status})"


class ScoringChunk(models.Model):
    """The unit a worker claims (row lock) and completes in one transaction."""

    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="chunks")
    seq = models.PositiveIntegerField()
    post_ids = ArrayField(models.BigIntegerField())
    scored = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="screening_uniq_chunk")]


class Decision(models.TextChoices):
    CONFIRM = "confirm", _("Dikonfirmasi")
    DISMISS = "dismiss", _("Ditolak")


class VerdictLabel(models.TextChoices):
    """The label the next training run learns from a verdict."""

    PARTISAN = "partisan", _("Berpihak (partisan)")
    POLITICAL = "political", _("Politik, tidak berpihak")
    OTHER = "other", _("Bukan politik")


class Verdict(models.Model):
    """A reviewer's decision on a post and, through `group_key`, on its near-duplicates."""

    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="verdicts")
    group_key = models.CharField(max_length=40, blank=True)
    model_version = models.ForeignKey(ModelVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("keputusan"), max_length=10, choices=Decision.choices)
    label = models.CharField(_("label"), max_length=10, choices=VerdictLabel.choices)
    violation_type = models.ForeignKey(ViolationType, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("jenis pelanggaran"))
    note = models.TextField(_("catatan"), blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    finding = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    posts_covered = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [models.UniqueConstraint(fields=["post"], name="screening_one_verdict_per_post")]
        verbose_name = _("putusan penapisan")
        verbose_name_plural = _("putusan penapisan")

    def __str__(self):
        return f"{self.post} {self.decision}"


class UploadStatus(models.TextChoices):
    QUEUED = "queued", _("menunggu")
    RUNNING = "running", _("diproses")
    DONE = "done", _("selesai")
    REFUSED = "refused", _("ditolak")


class PostUpload(models.Model):
    """A CSV/JSONL file of posts uploaded by a reviewer, imported by a worker (all rows or none) with progress."""

    name = models.CharField(_("nama berkas"), max_length=200)
    content = models.BinaryField()
    sha256 = models.CharField("SHA-256", max_length=64)
    election = models.ForeignKey(ElectionPeriod, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=UploadStatus.choices, default=UploadStatus.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    existing = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    run = models.ForeignKey(ScoringRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at"]

    @property
    def percent(self) -> int:
        if self.status in (UploadStatus.DONE, UploadStatus.REFUSED):
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
