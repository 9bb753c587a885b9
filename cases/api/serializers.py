"""Serializers of the case API: shapes only; reads come from selectors and writes from cases.workflow."""
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.models import (
    Agency, Case, CaseRespondent, DataBlock, DeadlineRule, ElectionPeriod, ElectionStage, Holiday, Letter, Region, Respondent,
    SanctionRecord, SanctionType, ViolationType,
)
from cases.selectors import case_tracks
from cases.workflow import Action, allowed_actions


# --- reference data --------------------------------------------------------------------------------------------

class RegionSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


class AgencySerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "short_name", "kind", "region", "parent", "ppk_title", "valid_from", "valid_to",
                  "legal_basis"]


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ElectionStage
        fields = ["id", "slug", "name", "starts_on", "ends_on"]


class ElectionSerializer(serializers.ModelSerializer):
    stages = StageSerializer(many=True, read_only=True)

    class Meta:
        model = ElectionPeriod
        fields = ["slug", "name", "election_type", "voting_date", "starts_on", "ends_on", "region_scope", "stages"]


class ViolationTypeSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = ViolationType
        fields = ["code", "name_id", "name_en", "social_media", "ethics_default", "discipline_default",
                  "criminal_basis", "phase", "election_types", "parent", "valid_from", "valid_to", "legal_basis"]


class SanctionTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SanctionType
        fields = ["code", "name_id", "name_en", "category", "level", "employee_type", "valid_from", "valid_to",
                  "legal_basis"]


class DeadlineRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeadlineRule
        fields = ["id", "code", "election_type", "length", "unit", "start_event", "valid_from", "valid_to",
                  "legal_basis", "note"]


class HolidaySerializer(serializers.ModelSerializer):
    class Meta:
        model = Holiday
        fields = ["date", "name", "cuti_bersama", "source"]


# --- cases -----------------------------------------------------------------------------------------------------

class TrackRespondentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Respondent
        fields = ["nip", "name", "position", "verified"]


class RecommendedItemSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="moral, disciplinary")
    level = serializers.CharField(help_text="closed, open; light, moderate, heavy, ptdh; none_set")
    text = serializers.CharField()


class DecisionSerializer(serializers.ModelSerializer):
    sanction_type = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    conforms = serializers.BooleanField(read_only=True, help_text="false: \u201ctidak sesuai rekomendasi\u201d")

    class Meta:
        model = SanctionRecord
        fields = ["id", "item_kind", "item_level", "sanction_type", "decree_number", "decree_date", "signer_name",
                  "signer_position", "recorded_at", "conforms", "deviation", "reason", "review", "review_reason",
                  "reviewed_at", "active"]


class _ActorAgencyField(serializers.CharField):
    """The agency code of the officer who took a step (the person is not named in the API)."""

    def __init__(self):
        super().__init__(read_only=True, allow_null=True, default=None)

    def get_attribute(self, instance):
        user = getattr(instance, self.field_name)
        return user.agency.code if user is not None and user.agency_id else None


class _LetterNumberField(serializers.CharField):
    def __init__(self):
        super().__init__(read_only=True, allow_null=True, default=None)

    def get_attribute(self, instance):
        letter = getattr(instance, self.field_name)
        return letter.number if letter is not None else None


class DataBlockSerializer(serializers.ModelSerializer):
    """One block cycle of the respondent's personnel data (BKN, SIASN): requested → recorded → lift requested →
    lifted, or withdrawn before it was recorded; each step with the acting agency, reason and letter number."""

    state = serializers.CharField(read_only=True, help_text="requested, recorded, lift_requested, lifted, withdrawn")
    requested_by = _ActorAgencyField()
    request_letter = _LetterNumberField()
    recorded_by = _ActorAgencyField()
    record_letter = _LetterNumberField()
    lift_requested_by = _ActorAgencyField()
    lift_request_letter = _LetterNumberField()
    lifted_by = _ActorAgencyField()
    lift_letter = _LetterNumberField()

    class Meta:
        model = DataBlock
        fields = ["id", "state", "requested_at", "requested_by", "request_reason", "request_letter", "recorded_at",
                  "recorded_by", "record_reference", "record_letter", "lift_requested_at", "lift_requested_by",
                  "lift_reason", "lift_request_letter", "lifted_at", "lifted_by", "lift_letter", "withdrawn_at",
                  "withdraw_reason"]


class TrackSerializer(serializers.ModelSerializer):
    """One respondent of a case; a respondent outside the client's scope (cases.selectors.case_tracks) comes out
    as `masked` with only its label, every other field null."""

    respondent = TrackRespondentSerializer(read_only=True, allow_null=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    blocked = serializers.BooleanField(source="is_blocked", read_only=True, allow_null=True)
    masked = serializers.BooleanField(read_only=True, default=False,
                                      help_text="Terlapor dari instansi lain: nama, NIP, instansi dan sanksinya tidak "
                                                "ditampilkan kepada klien ini.")
    label = serializers.CharField(read_only=True, allow_null=True, default=None,
                                  help_text="\u201cterlapor dari instansi lain\u201d bila masked, selain itu null.")
    recommended_items = serializers.SerializerMethodField()
    decisions = DecisionSerializer(many=True, read_only=True)
    blocks = DataBlockSerializer(many=True, read_only=True, allow_null=True,
                                 help_text="Setiap siklus blokir data kepegawaian terlapor, yang terlama lebih dulu.")

    class Meta:
        model = CaseRespondent
        fields = ["id", "respondent", "agency", "position_at_time", "status", "acknowledged_at", "received_on",
                  "receipt_basis", "blocked", "masked", "label", "recommended_items", "decisions", "blocks"]
        extra_kwargs = {"id": {"allow_null": True}, "position_at_time": {"allow_null": True},
                        "status": {"allow_null": True}, "acknowledged_at": {"allow_null": True}}

    def to_representation(self, track):
        if getattr(track, "masked", False):
            return {**dict.fromkeys(self.Meta.fields), "masked": True, "label": str(track.label)}
        return {**super().to_representation(track), "masked": False, "label": None}

    def get_recommended_items(self, track) -> RecommendedItemSerializer(many=True):
        rec = getattr(track, "recommendation", None) if hasattr(track, "recommendation") else None
        if rec is None or rec.approved_at is None:
            return []
        return [{"kind": i.kind, "level": i.level, "text": i.text()} for i in rec.items()]


class CaseSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    election = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    tracks = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = ["id", "number", "status", "status_label", "title", "election", "region", "region_name", "place",
                  "occurred_on", "is_finding", "social_media", "received_at", "registered_at", "forwarded_at",
                  "recommended_at", "followed_up_at", "closed_at", "close_reason", "next_due",
                  "conflict_of_interest", "tracks"]

    @extend_schema_field(TrackSerializer(many=True))
    def get_tracks(self, case):
        return TrackSerializer(case_tracks(self.context["request"].user, case), many=True).data


class CaseDetailSerializer(CaseSerializer):
    allowed_actions = serializers.SerializerMethodField(
        help_text="Tindakan yang boleh dilakukan klien ini sekarang (POST /cases/{id}/actions/{action}/).")

    description = serializers.SerializerMethodField(
        help_text="Uraian perkara; null bila perkara memuat terlapor dari instansi lain (uraian menyebut mereka).")

    class Meta(CaseSerializer.Meta):
        fields = CaseSerializer.Meta.fields + ["description", "allowed_actions"]

    def get_description(self, case) -> str | None:
        tracks = case_tracks(self.context["request"].user, case)
        return None if any(getattr(t, "masked", False) for t in tracks) else case.description

    def get_allowed_actions(self, case) -> list[str]:
        return [str(a) for a in allowed_actions(self.context["request"].user, case)]


class TimelineEntrySerializer(serializers.Serializer):
    day = serializers.DateField()
    at = serializers.DateTimeField(allow_null=True)
    kind = serializers.ChoiceField(choices=["event", "clock", "letter"])
    code = serializers.CharField()
    text = serializers.CharField()


class ActionParamsSerializer(serializers.Serializer):
    """Documents the body of a workflow action for the schema; the action's own form (cases.workspace_forms, the
    same as the case page's) validates it, and each action reads the fields it has."""

    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000,
                                   help_text="dismiss, extend_decision, record_not_proven, close_other, reopen, "
                                             "escalate, record_ppk_warning, report_to_president, accept_decision, "
                                             "return_decision; record_sanction: alasan keputusan tidak sesuai "
                                             "rekomendasi")
    conclusion = serializers.CharField(required=False, allow_blank=True, max_length=5000, help_text="forward")
    questions = serializers.CharField(required=False, allow_blank=True, max_length=5000, help_text="request_information")
    addressee = serializers.CharField(required=False, allow_blank=True, max_length=300, help_text="request_information")
    summary = serializers.CharField(required=False, allow_blank=True, max_length=5000, help_text="receive_information")
    track = serializers.IntegerField(required=False, min_value=1, max_value=2 ** 62,
                                     help_text="id terlapor dalam perkara (tracks[].id), bila lebih dari satu")
    officer = serializers.IntegerField(required=False, min_value=1, max_value=2 ** 62, help_text="assign: id pengguna")
    proven = serializers.BooleanField(required=False, help_text="draft_recommendation")
    violation_types = serializers.ListField(child=serializers.CharField(max_length=40), required=False,
                                            max_length=50, help_text="draft_recommendation: kode katalog SKB")
    category = serializers.CharField(required=False, allow_blank=True, max_length=20, help_text="moral, disciplinary, both")
    moral_level = serializers.CharField(required=False, allow_blank=True, max_length=10, help_text="closed, open")
    discipline_level = serializers.CharField(required=False, allow_blank=True, max_length=10,
                                             help_text="light, moderate, heavy, ptdh")
    reasoning = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    sanction_type = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                          help_text="record_sanction: kode jenis sanksi (kosong: butir tidak dijatuhkan)")
    item = serializers.ChoiceField(required=False, allow_blank=True, choices=["moral", "disciplinary"],
                                   help_text="record_sanction: butir rekomendasi yang diputus")
    employee_type = serializers.ChoiceField(required=False, allow_blank=True, choices=["pns", "pppk"],
                                            help_text="record_sanction: jenis kepegawaian terlapor bila belum diketahui")
    received_on = serializers.DateField(required=False, help_text="acknowledge: tanggal rekomendasi diterima (kosong: hari ini)")
    delivered_on = serializers.DateField(required=False, help_text="record_delivery: tanggal diterima PPK")
    proof = serializers.CharField(required=False, allow_blank=True, max_length=300,
                                  help_text="record_delivery: bukti pengiriman")
    out_of_order_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=2000,
        help_text="send_reminder, request_block, escalate, record_ppk_warning, report_to_president: alasan langkah di "
                  "luar urutan eskalasi (wajib bila di luar urutan)")
    violation_type = serializers.CharField(required=False, allow_blank=True, max_length=40,
                                           help_text="refer_gakkumdu: kode jenis pelanggaran dengan dasar pidana")
    referred_on = serializers.DateField(required=False, help_text="refer_gakkumdu: tanggal penerusan")
    reference = serializers.CharField(required=False, allow_blank=True, max_length=200,
                                      help_text="refer_gakkumdu: nomor/rujukan penerusan; record_block: rujukan "
                                                "pemblokiran di SIASN (boleh kosong)")
    decision = serializers.IntegerField(required=False, min_value=1, max_value=2 ** 62,
                                        help_text="accept_decision, return_decision: id keputusan (tracks[].decisions[].id)")
    decree_number = serializers.CharField(required=False, allow_blank=True, max_length=100)
    decree_date = serializers.DateField(required=False)
    signer_name = serializers.CharField(required=False, allow_blank=True, max_length=200)
    signer_position = serializers.CharField(required=False, allow_blank=True, max_length=200)


ACTION_CHOICES = [a.value for a in Action]


# --- respondents and letters -----------------------------------------------------------------------------------

class CaseRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["id", "number", "status"]


class RespondentSerializer(serializers.ModelSerializer):
    nip_display = serializers.CharField(read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    cases = serializers.SerializerMethodField(help_text="Perkara terlapor ini yang berada dalam cakupan klien.")

    class Meta:
        model = Respondent
        fields = ["nip", "nip_display", "name", "employee_type", "position", "agency", "verified", "cases"]

    def get_cases(self, respondent) -> CaseRefSerializer(many=True):
        return CaseRefSerializer(self.context["cases"], many=True).data


class LetterSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    case = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)

    class Meta:
        model = Letter
        fields = ["id", "kind", "kind_label", "number", "hal", "sifat", "issued_at", "agency", "case", "sha256",
                  "void", "void_reason"]


class LetterVerifyQuerySerializer(serializers.Serializer):
    token = serializers.CharField(required=False, max_length=40, help_text="Token verifikasi dari kode QR surat.")
    sha256 = serializers.RegexField(r"^[0-9a-fA-F]{64}$", required=False,
                                    help_text="SHA-256 berkas PDF yang hendak dicocokkan (64 digit heksadesimal).")

    def validate(self, data):
        if not data.get("token") and not data.get("sha256"):
            raise serializers.ValidationError({"token": [_("Isi token verifikasi atau sha256 surat.")]})
        return data


class LetterVerificationSerializer(serializers.Serializer):
    valid = serializers.BooleanField(help_text="Surat ada, tidak dibatalkan, dan (bila dikirim) sha256 cocok.")
    number = serializers.CharField()
    kind = serializers.CharField()
    issued_at = serializers.DateTimeField()
    issuer = serializers.CharField()
    sha256 = serializers.CharField()
    sha256_matches = serializers.BooleanField(allow_null=True)
    void = serializers.BooleanField()


# --- statistics ------------------------------------------------------------------------------------------------

class StatsCellSerializer(serializers.Serializer):
    v = serializers.JSONField(help_text="Angka (atau teks)")
    href = serializers.CharField(allow_null=True, help_text="Daftar perkara di balik angka ini (HTML)")


class StatsRowSerializer(serializers.Serializer):
    label = serializers.CharField()
    cells = StatsCellSerializer(many=True)


class StatsTableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = serializers.ListField(child=serializers.CharField())
    rows = StatsRowSerializer(many=True)


class StatsSummarySerializer(serializers.Serializer):
    generated_at = serializers.CharField()
    tables = StatsTableSerializer(many=True)
