"""Cases, per-respondent tracks, recommendations, sanctions, clocks, notes, notifications, outbox."""
import datetime as dt

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import Respondent
from .reference import Agency, DeadlineRule, ElectionPeriod, ElectionStage, Region, SanctionType, SupervisoryBody, ViolationType


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Diterima (kajian awal)")
    REGISTERED = "registered", _("Teregistrasi")
    UNDER_EXAMINATION = "under_examination", _("Klarifikasi dan kajian")
    FORWARDED = "forwarded", _("Diteruskan ke lembaga pengawas")
    DISMISSED = "dismissed", _("Dihentikan oleh Bawaslu")
    UNDER_REVIEW = "under_review", _("Pemeriksaan lembaga pengawas")
    INFO_REQUESTED = "info_requested", _("Menunggu keterangan tambahan")
    CLOSED_NOT_PROVEN = "closed_not_proven", _("Selesai: tidak terbukti")
    AWAITING_FOLLOW_UP = "awaiting_follow_up", _("Menunggu tindak lanjut PPK")
    OVERDUE = "overdue", _("Tindak lanjut PPK terlambat")
    FOLLOWED_UP = "followed_up", _("Sudah ditindaklanjuti PPK")
    CLOSED_SANCTIONED = "closed_sanctioned", _("Selesai: sanksi dijatuhkan")
    CLOSED_OTHER = "closed_other", _("Selesai: alasan lain")

    @classmethod
    def closed(cls):
        return {cls.DISMISSED, cls.CLOSED_NOT_PROVEN, cls.CLOSED_SANCTIONED, cls.CLOSED_OTHER}


class SanctionCategory(models.TextChoices):
    MORAL = "moral", _("Sanksi moral")
    DISCIPLINARY = "disciplinary", _("Hukuman disiplin")
    BOTH = "both", _("Sanksi moral dan hukuman disiplin")


class Case(models.Model):
    number = models.CharField(_("nomor perkara"), max_length=30, unique=True)
    election = models.ForeignKey(ElectionPeriod, on_delete=models.PROTECT, related_name="cases")
    stage = models.ForeignKey(ElectionStage, null=True, blank=True, on_delete=models.SET_NULL)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="cases")
    region_code = models.CharField(max_length=13, db_index=False)  # denormalised for prefix scope filters
    bawaslu_office = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="bawaslu_cases")
    status = models.CharField(max_length=30, choices=CaseStatus.choices, default=CaseStatus.RECEIVED)
    title = models.CharField(_("ringkasan"), max_length=300)
    description = models.TextField(_("uraian"), blank=True)
    occurred_on = models.DateField(_("tanggal kejadian"), null=True, blank=True)
    place = models.CharField(_("tempat kejadian"), max_length=200, blank=True)
    is_finding = models.BooleanField(_("temuan"), default=False)
    social_media = models.BooleanField(default=False)
    received_at = models.DateTimeField(default=timezone.now)
    registered_at = models.DateTimeField(null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    recommended_at = models.DateTimeField(null=True, blank=True)
    followed_up_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=200, blank=True)
    next_due = models.DateField(null=True, blank=True)  # earliest running clock, for sorting
    conflict_of_interest = models.BooleanField(default=False)
    conflict_reason = models.CharField(max_length=300, blank=True)
    bawaslu_owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    supervisor_owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    search_document = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("perkara")
        verbose_name_plural = _("perkara")
        indexes = [
            models.Index(fields=["status", "-id"], name="case_status_id"),
            models.Index(fields=["region_code", "status", "-id"], name="case_region_status_id",
                         opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "int8_ops"]),
            models.Index(fields=["election", "status", "-id"], name="case_election_status_id"),
            models.Index(fields=["next_due", "id"], name="case_next_due_id"),
            GinIndex(fields=["search_document"], name="case_search_trgm", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self):
        return self.number

    @property
    def is_closed(self):
        return self.status in CaseStatus.closed()

    def respondents_all_closed(self):
        return not self.tracks.exclude(status__in=TrackStatus.closed()).exists()


class TrackStatus(models.TextChoices):
    OPEN = "open", _("Dalam proses")
    RECOMMENDED = "recommended", _("Direkomendasikan")
    NOT_PROVEN = "not_proven", _("Tidak terbukti")
    SANCTIONED = "sanctioned", _("Sanksi dijatuhkan")
    CLOSED_OTHER = "closed_other", _("Ditutup")

    @classmethod
    def closed(cls):
        return {cls.NOT_PROVEN, cls.SANCTIONED, cls.CLOSED_OTHER}


class ReceiptBasis(models.TextChoices):
    ACKNOWLEDGED = "acknowledged", _("dikonfirmasi penghubung PPK")
    DELIVERED = "delivered", _("bukti pengiriman dicatat pengirim")
    PRESUMED = "presumed", _("dianggap diterima (batas waktu penerimaan terlewati)")


class CaseRespondent(models.Model):
    """One respondent's track within a case: recommendation, sanction, block."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tracks")
    respondent = models.ForeignKey(Respondent, on_delete=models.PROTECT, related_name="tracks")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="tracks", help_text=_("instansi (PPK)"))
    position_at_time = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=TrackStatus.choices, default=TrackStatus.OPEN)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # The PPK clock runs from receipt of the recommendation ("sejak surat ini diterima"), not from its issue.
    received_on = models.DateField(_("rekomendasi diterima PPK"), null=True, blank=True)
    receipt_basis = models.CharField(max_length=20, choices=ReceiptBasis.choices, blank=True, db_default="")
    delivery_proof = models.CharField(_("bukti pengiriman"), max_length=300, blank=True, db_default="")
    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "respondent"], name="uniq_case_respondent")]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self):
        return f"{self.case} / {self.respondent}"

    @property
    def active_block(self):
        """The block cycle still in force (requested, recorded or waiting to be lifted), else None; reads the
        prefetched `blocks` when a list prefetched them."""
        return next((b for b in self.blocks.all() if b.active), None)

    @property
    def is_blocked(self):
        block = self.active_block
        return bool(block and block.recorded_at)

    @property
    def block_state(self) -> str:
        """The state of the block in force, else of the latest one; "" when there never was a block."""
        blocks = sorted(self.blocks.all(), key=lambda b: (b.requested_at, b.pk))
        block = self.active_block or (blocks[-1] if blocks else None)
        return block.state if block else ""

    @property
    def sanction(self):
        """The first standing decision (None before any): pages and letters that show one decree read this."""
        decisions = [d for d in self.decisions.all() if d.active]
        return decisions[0] if decisions else None


class BlockState(models.TextChoices):
    REQUESTED = "requested", _("blokir diminta")
    RECORDED = "recorded", _("data diblokir BKN")
    LIFT_REQUESTED = "lift_requested", _("buka blokir diminta")
    LIFTED = "lifted", _("blokir dibuka")
    WITHDRAWN = "withdrawn", _("permintaan blokir ditarik")


ACTIVE_BLOCK = models.Q(lifted_at__isnull=True, withdrawn_at__isnull=True)


class DataBlock(models.Model):
    """One block cycle of a respondent's personnel data in SIASN (BKN): requested → recorded → lift requested →
    lifted, or withdrawn before BKN recorded it; each step with who, when, why and its letter. A second block of the
    same respondent is a second row; at most one is in force at a time."""

    track = models.ForeignKey(CaseRespondent, on_delete=models.CASCADE, related_name="blocks")
    requested_at = models.DateTimeField(_("diminta"), default=timezone.now)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    request_reason = models.TextField(_("alasan permintaan blokir"), blank=True, db_default="")
    request_letter = models.ForeignKey("cases.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("diblokir"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    record_reference = models.CharField(_("rujukan pemblokiran di SIASN"), max_length=200, blank=True, db_default="")
    record_letter = models.ForeignKey("cases.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    lift_requested_at = models.DateTimeField(_("buka blokir diminta"), null=True, blank=True)
    lift_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")
    lift_reason = models.TextField(_("alasan buka blokir"), blank=True, db_default="")
    lift_request_letter = models.ForeignKey("cases.Letter", null=True, blank=True, on_delete=models.PROTECT,
                                            related_name="+")
    lifted_at = models.DateTimeField(_("blokir dibuka"), null=True, blank=True)
    lifted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    lift_letter = models.ForeignKey("cases.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(_("permintaan ditarik"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    withdraw_reason = models.TextField(blank=True, db_default="")

    class Meta:
        ordering = ["requested_at", "id"]
        verbose_name = _("blokir data kepegawaian")
        verbose_name_plural = _("blokir data kepegawaian")
        constraints = [
            models.UniqueConstraint(fields=["track"], condition=ACTIVE_BLOCK, name="one_active_block_per_track"),
            models.CheckConstraint(condition=models.Q(lifted_at__isnull=True) | models.Q(recorded_at__isnull=False),
                                   name="block_lifted_only_after_recorded"),
            models.CheckConstraint(condition=models.Q(withdrawn_at__isnull=True) | models.Q(recorded_at__isnull=True),
                                   name="block_withdrawn_only_before_recorded"),
        ]
        indexes = [models.Index(fields=["recorded_at"], condition=ACTIVE_BLOCK, name="block_active_recorded")]

    def __str__(self):
        return f"{self.track} / {self.get_state_display()}"

    @property
    def active(self):
        return self.lifted_at is None and self.withdrawn_at is None

    @property
    def state(self) -> str:
        if self.withdrawn_at:
            return BlockState.WITHDRAWN
        if self.lifted_at:
            return BlockState.LIFTED
        if self.recorded_at:
            return BlockState.LIFT_REQUESTED if self.lift_requested_at else BlockState.RECORDED
        return BlockState.REQUESTED

    def get_state_display(self):
        return BlockState(self.state).label


class Recommendation(models.Model):
    """The supervisor's recommendation for one respondent: analyst drafts, approver signs."""

    track = models.OneToOneField(CaseRespondent, on_delete=models.CASCADE, related_name="recommendation")
    proven = models.BooleanField(default=True)
    violation_types = models.ManyToManyField(ViolationType, blank=True)
    category = models.CharField(max_length=20, choices=SanctionCategory.choices, blank=True)
    moral_level = models.CharField(max_length=10, blank=True, help_text="closed/open")
    discipline_level = models.CharField(max_length=10, blank=True, help_text="light/moderate/heavy/ptdh")
    reasoning = models.TextField(blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    supervisory_body = models.ForeignKey(SupervisoryBody, null=True, blank=True, on_delete=models.PROTECT)

    def items(self) -> list["RecommendedItem"]:
        """What the PPK must decide, one item per kind of sanction recommended (PP 42/2004 Pasal 15: moral;
        PP 94/2021 Pasal 8: disciplinary with its level, or "none set" for acts without a penalty level)."""
        if not self.proven:
            return []
        items = []
        if self.category in (SanctionCategory.MORAL, SanctionCategory.BOTH):
            items.append(RecommendedItem(SanctionCategory.MORAL, self.moral_level))
        if self.category in (SanctionCategory.DISCIPLINARY, SanctionCategory.BOTH):
            items.append(RecommendedItem(SanctionCategory.DISCIPLINARY, self.discipline_level))
        return items

    def sanction_text(self):
        parts = []
        if self.category in (SanctionCategory.MORAL, SanctionCategory.BOTH):
            parts.append("sanksi moral pernyataan secara " + ("terbuka" if self.moral_level == "open" else "tertutup"))
        if self.category in (SanctionCategory.DISCIPLINARY, SanctionCategory.BOTH):
            parts.append(RecommendedItem(SanctionCategory.DISCIPLINARY, self.discipline_level).text())
        return " dan ".join(parts)


# Order of severity within a kind: PP 94/2021 Pasal 8 (light < moderate < heavy; PTDH beyond, UU 20/2023 Pasal 52)
# and PP 42/2004 Pasal 15 (a closed statement is lighter than an open, public one).
SEVERITY = {"closed": 1, "open": 2, "light": 1, "moderate": 2, "heavy": 3, "ptdh": 4}
NONE_SET = "none_set"  # an act PP 94/2021 gives no penalty level (e.g. attending a campaign, Pasal 5 huruf n angka 1)


class RecommendedItem:
    """One recommended sanction: a kind (moral / disciplinary) and its level; compared with what the PPK imposed."""

    def __init__(self, kind, level):
        self.kind, self.level = kind, level or ""

    def __eq__(self, other):
        return isinstance(other, RecommendedItem) and (self.kind, self.level) == (other.kind, other.level)

    def __repr__(self):
        return f"RecommendedItem({self.kind!r}, {self.level!r})"

    @property
    def none_set(self):
        return self.level == NONE_SET

    def text(self):
        """Indonesian, as letters and records state it."""
        if self.kind == SanctionCategory.MORAL:
            return "sanksi moral pernyataan secara " + ("terbuka" if self.level == "open" else "tertutup")
        if self.none_set:
            return "hukuman disiplin: tidak ada tingkat hukuman"
        level = {"light": "ringan", "moderate": "sedang", "heavy": "berat"}.get(self.level)
        return f"hukuman disiplin {level}" if level else "pemberhentian tidak dengan hormat"

    def deviation(self, sanction_type) -> str:
        """How an imposed sanction type (None: nothing imposed) differs from this item; "" when it conforms."""
        if sanction_type is None:
            return "" if self.none_set else Deviation.NOT_IMPOSED
        if sanction_type.category != self.kind:
            return Deviation.OTHER_KIND
        imposed, wanted = SEVERITY.get(sanction_type.level, 0), SEVERITY.get(self.level, 0)
        return "" if imposed == wanted else (Deviation.LIGHTER if imposed < wanted else Deviation.HEAVIER)


class Deviation(models.TextChoices):
    LIGHTER = "lighter", _("lebih ringan dari rekomendasi")
    HEAVIER = "heavier", _("lebih berat dari rekomendasi")
    OTHER_KIND = "other_kind", _("jenis sanksi lain dari rekomendasi")
    NOT_IMPOSED = "not_imposed", _("butir rekomendasi tidak dijatuhkan")


class DecisionReview(models.TextChoices):
    NONE = "", _("sesuai rekomendasi")
    PENDING = "pending", _("menunggu penilaian lembaga pengawas")
    ACCEPTED = "accepted", _("diterima lembaga pengawas")
    RETURNED = "returned", _("dikembalikan kepada PPK")


class SanctionRecord(models.Model):
    """The PPK's decision on one recommended item of one respondent: the decree, who signed it, and how it
    compares with the recommendation. A decision the supervisory body returns stays here, inactive."""

    track = models.ForeignKey(CaseRespondent, on_delete=models.CASCADE, related_name="decisions")
    item_kind = models.CharField(_("butir rekomendasi"), max_length=20, choices=SanctionCategory.choices, db_default="")
    item_level = models.CharField(max_length=20, blank=True, db_default="")
    sanction_type = models.ForeignKey(SanctionType, null=True, blank=True, on_delete=models.PROTECT,
                                      help_text=_("kosong: butir ini tidak dijatuhkan"))
    decree_number = models.CharField(_("nomor SK"), max_length=100, blank=True)
    decree_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    signer_name = models.CharField(_("pejabat yang menandatangani"), max_length=200, blank=True)
    signer_position = models.CharField(max_length=200, blank=True)
    document = models.FileField(upload_to="decrees/%Y/%m/", blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    deviation = models.CharField(max_length=20, choices=Deviation.choices, blank=True, db_default="")
    reason = models.TextField(_("alasan PPK"), blank=True, db_default="")
    review = models.CharField(max_length=10, choices=DecisionReview.choices, blank=True, db_default="")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True, db_default="")
    active = models.BooleanField(default=True, db_default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("keputusan PPK")
        verbose_name_plural = _("keputusan PPK")
        constraints = [models.UniqueConstraint(fields=["track", "item_kind"], condition=models.Q(active=True),
                                               name="one_active_decision_per_item")]

    @property
    def conforms(self):
        return not self.deviation

    @property
    def standing(self):
        """Counts as followed up for unblocking and closing: conforming, or accepted by the supervisory body."""
        return self.active and (self.conforms or self.review == DecisionReview.ACCEPTED)

    @property
    def item(self):
        return RecommendedItem(self.item_kind, self.item_level)


class GakkumduReferral(models.Model):
    """An act that is also an election crime (the catalogue's criminal basis, e.g. UU 7/2017 Pasal 494, UU 1/2015
    Pasal 188) referred to Gakkumdu: the parallel criminal track is recorded here, not handled."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="gakkumdu_referrals")
    violation_type = models.ForeignKey(ViolationType, on_delete=models.PROTECT)
    referred_on = models.DateField(_("tanggal penerusan ke Gakkumdu"))
    reference = models.CharField(_("nomor/rujukan penerusan"), max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["referred_on", "id"]
        verbose_name = _("penerusan ke Gakkumdu")
        verbose_name_plural = _("penerusan ke Gakkumdu")


class ClockState(models.TextChoices):
    RUNNING = "running", _("Berjalan")
    PAUSED = "paused", _("Dijeda")
    MET = "met", _("Terpenuhi")
    MISSED = "missed", _("Terlewat")
    STOPPED = "stopped", _("Dihentikan")


class Clock(models.Model):
    """One statutory clock of a case, computed from a DeadlineRule row (which it records)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clocks")
    track = models.ForeignKey(CaseRespondent, null=True, blank=True, on_delete=models.CASCADE, related_name="clocks")
    rule = models.ForeignKey(DeadlineRule, on_delete=models.PROTECT)
    code = models.CharField(max_length=40)
    started_on = models.DateField()
    due_on = models.DateField()
    state = models.CharField(max_length=10, choices=ClockState.choices, default=ClockState.RUNNING)
    paused_on = models.DateField(null=True, blank=True)
    paused_days = models.PositiveIntegerField(default=0, help_text=_("hari (sesuai satuan aturan) selama dijeda"))
    finished_on = models.DateField(null=True, blank=True)
    due_soon_notified = models.BooleanField(default=False)
    overdue_notified = models.BooleanField(default=False)

    class Meta:
        ordering = ["started_on", "id"]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self):
        return f"{self.code} {self.started_on}→{self.due_on} ({self.state})"

    @property
    def is_open(self):
        return self.state in (ClockState.RUNNING, ClockState.PAUSED)


class Note(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]


class Notification(models.Model):
    """In-app notification; `dedupe_key` makes the deadline sweep idempotent."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=40)
    message = models.CharField(max_length=400)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=200, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]


class Outbox(models.Model):
    """E-mail written in the same transaction as the change; a task sends it, once."""

    to = models.CharField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["sent_at", "id"])]


def today():
    return timezone.localdate()


__all__ = ["Case", "CaseStatus", "CaseRespondent", "TrackStatus", "Recommendation", "SanctionCategory",
           "SanctionRecord", "GakkumduReferral", "ReceiptBasis", "RecommendedItem", "Deviation", "DecisionReview", "SEVERITY", "NONE_SET", "Clock", "ClockState", "Note", "Notification", "Outbox", "dt", "today"]
