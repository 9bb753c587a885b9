"""Intake over the API (/api/v1/reports/): submit a report, read one's own, add evidence. Validation is the
intake form's (reports.forms), writes are reports.services; this module only translates HTTP."""
import copy
import re

from django.db.models import Q
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.validators import ProhibitSurrogateCharactersValidator

from cases.api.errors import Unprocessable, errors
from cases.api.idempotency import PARAMETER as IDEMPOTENCY_PARAMETER
from cases.api.idempotency import idempotent
from cases.api.parsers import JSONParser
from cases.api.views import ApiCursorPagination, parse_pk
from cases.services import request_origin
from reports import api_check, services
from reports.api_answer import new_report_body
from reports.evidence import EvidenceRejected, store_upload
from reports.fastpath import SharedFields, intake_form
from reports.models import Anonymity, Channel, Evidence, Report, ReportKind, Standing
from reports.privacy.services import identities_in_answer
from reports.selectors import public_status, reporter_identity, reports_visible_to

REPORTER_FIELDS = ("name", "address", "phone", "email", "standing")
# The form's choice fields take the codes the API speaks instead of database ids.
CODE_FIELDS = {"election": "slug", "region": "code", "respondent_agency": "code"}


def reports_for_client(user):
    """Reports this client submitted, and those an intake officer of its region may see."""
    visible = reports_visible_to(user)
    own = Q(recorded_by=user)
    return Report.objects.filter(own if visible.query.is_empty() else own | Q(pk__in=visible.values("pk")))


# --- serializers ---------------------------------------------------------------------------------------------------

class ReporterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    standing = serializers.ChoiceField(choices=Standing.choices, required=False, allow_blank=True)


class _SurrogateCheck(ProhibitSurrogateCharactersValidator):
    """DRF's check (same code) with one regular-expression search instead of a Python loop over every character of
    every text field, and a message in the API's languages (DRF has it in English only)."""

    surrogate = re.compile("[\ud800-\udfff]")
    message = _lazy("Teks berisi karakter surrogate U+{code_point:X} yang tidak sah; kirim teks Unicode yang utuh.")

    def __call__(self, value):
        found = self.surrogate.search(str(value))
        if found:
            raise serializers.ValidationError(self.message.format(code_point=ord(found.group())), code=self.code)


def _with_fast_surrogate_check(fields) -> None:
    """Swap DRF's surrogate-character validator for _SurrogateCheck in `fields`, list children and nested
    serializers."""
    for field in fields.values():
        for target in (field, getattr(field, "child", None)):
            if target is not None:
                target.validators = [_SurrogateCheck() if type(v) is ProhibitSurrogateCharactersValidator else v
                                     for v in target.validators]
        if isinstance(field, serializers.Serializer):
            _with_fast_surrogate_check(field.fields)


class ReportCreateSerializer(SharedFields, serializers.Serializer):  # given no context: its fields are shared
    """Types and lengths here; the intake rules (dates, NIP parts, reporter identity, agency) are the form's."""

    kind = serializers.ChoiceField(choices=[ReportKind.LAPORAN, ReportKind.TEMUAN], default=ReportKind.LAPORAN,
                                   help_text="temuan: hanya token Bawaslu (hasil pengawasan sendiri, tanpa pelapor)")
    anonymity = serializers.ChoiceField(choices=Anonymity.choices, default=Anonymity.NAMED)
    reporter = ReporterSerializer(required=False, allow_null=True,
                                  help_text="Wajib nama, alamat dan kedudukan untuk laporan dengan identitas.")
    election = serializers.CharField(max_length=40, help_text="slug pemilihan, mis. pilkada-2024")
    stage = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2 ** 62,
                                     help_text="id tahapan (GET /elections/)")
    region = serializers.CharField(max_length=13, help_text="kode wilayah kejadian (provinsi/kabupaten/kota)")
    respondent_name = serializers.CharField(max_length=200)
    respondent_nip = serializers.RegexField(r"^[0-9 .\-]*$", max_length=30, required=False, allow_blank=True,
                                            error_messages={"invalid": _lazy("NIP hanya boleh berisi angka.")})
    respondent_position = serializers.CharField(max_length=200, required=False, allow_blank=True)
    respondent_agency = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True,
                                              help_text="kode instansi (GET /agencies/)")
    respondent_agency_text = serializers.CharField(max_length=200, required=False, allow_blank=True)
    occurred_on = serializers.DateField()
    known_on = serializers.DateField()
    place = serializers.CharField(max_length=200)
    description = serializers.CharField(min_length=20, max_length=20000)
    links = serializers.ListField(child=serializers.URLField(max_length=500), required=False, max_length=20)

    @classmethod
    def prepare_fields(cls, fields) -> None:
        _with_fast_surrogate_check(fields)

    def validate(self, data):
        form = intake_form(self._form_data(data), CODE_FIELDS)
        if not form.is_valid():
            raise serializers.ValidationError(
                {("reporter." + k if k in REPORTER_FIELDS else k): [str(m) for m in v] for k, v in form.errors.items()})
        return {**data, "cleaned": form.cleaned_data}

    @staticmethod
    def _form_data(data) -> dict:
        reporter = data.get("reporter") or {}
        out = {k: v for k, v in data.items() if k not in ("reporter", "links")}
        out.update({k: reporter.get(k, "") for k in REPORTER_FIELDS})
        out["links"] = "\n".join(data.get("links") or [])
        out["received_on"] = timezone.localdate()
        # Dates stay date objects (already parsed above): the form takes them as they are instead of trying each
        # localised input format in turn.
        return {k: ("" if v is None else v) for k, v in out.items()}


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "original_name", "content_type", "size", "sha256", "uploaded_at"]


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Gambar, PDF atau video; jenis diperiksa dari isinya.")


class ReporterOutSerializer(serializers.Serializer):
    name = serializers.CharField()
    standing = serializers.CharField()
    masked = serializers.BooleanField()
    anonymous = serializers.BooleanField()


class ReportSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    public_status = serializers.SerializerMethodField(help_text="Tahap seperti yang dilihat pelapor")
    election = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    respondent_agency = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    links = serializers.ListField(source="link_list", child=serializers.CharField(), read_only=True)
    case = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)
    evidence = EvidenceSerializer(many=True, read_only=True)
    reporter = serializers.SerializerMethodField()

    def get_fields(self):
        # Introspecting the model is most of a ModelSerializer's cost: do it once per class, copy the result per use.
        cls = type(self)
        if "_fields_template" not in cls.__dict__:
            cls._fields_template = super().get_fields()
        return copy.deepcopy(cls._fields_template)

    class Meta:
        model = Report
        fields = ["id", "tracking_code", "kind", "status", "status_label", "public_status", "anonymity", "channel",
                  "election", "stage", "region", "respondent_name", "respondent_nip", "respondent_position",
                  "respondent_agency", "respondent_agency_text", "occurred_on", "known_on", "place", "description",
                  "links", "received_at", "case", "evidence", "reporter"]

    def get_public_status(self, report) -> str:
        return public_status(report).label

    def get_reporter(self, report) -> ReporterOutSerializer(allow_null=True):
        view = reporter_identity(self.context["request"].user, report)
        if view is None:
            return None
        return {"name": view.name, "standing": view.standing, "masked": view.masked, "anonymous": view.anonymous}


# --- views -------------------------------------------------------------------------------------------------------

REPORT_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="id laporan")
EXAMPLE_REPORT = {
    "anonymity": "named", "reporter": {"name": "Siti Aminah", "address": "Jl. Merdeka 1, Cilacap", "standing": "voter"},
    "election": "pilkada-2024", "region": "33.01", "respondent_name": "Budi Santoso",
    "respondent_nip": "198001012005011001", "respondent_agency": "PEMKAB-33.01", "occurred_on": "2024-10-01",
    "known_on": "2024-10-02", "place": "Facebook @budi.s",
    "description": "Mengunggah foto bersama pasangan calon nomor 1 dengan ajakan memilih.",
    "links": ["https://facebook.com/budi.s/posts/1"]}


@extend_schema_view(
    list=extend_schema(summary="Laporan yang dikirim klien ini (dan, bagi Bawaslu, laporan di wilayahnya)",
                       responses={200: ReportSerializer(many=True), **errors(404)}),
    retrieve=extend_schema(summary="Satu laporan (status dan bukti)", parameters=[REPORT_ID],
                           responses={200: ReportSerializer, **errors(404)}),
)
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportSerializer
    pagination_class = ApiCursorPagination
    filter_backends = []
    parser_classes = [JSONParser]
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return (reports_for_client(self.request.user)
                .select_related("election", "region", "respondent_agency", "case", "reporter")
                .prefetch_related("evidence"))

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        identities_in_answer(actor=request.user, reports=response.data.get("results", []), via=request_origin(request))
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        identities_in_answer(actor=request.user, reports=[response.data], via=request_origin(request))
        return response

    def get_object(self):
        try:
            return self.get_queryset().get(pk=parse_pk(self.kwargs["pk"]))
        except Report.DoesNotExist:
            raise NotFound()

    @extend_schema(summary="Kirim laporan (laporan/temuan)", request=ReportCreateSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER],
                   examples=[OpenApiExample("laporan", value=EXAMPLE_REPORT, request_only=True)],
                   responses={201: ReportSerializer, **errors(400, 403, 422)})
    @idempotent
    def create(self, request):
        incoming = ReportCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if data["kind"] == ReportKind.TEMUAN and not request.user.has_perm("reports.intake"):
            raise PermissionDenied(_("Hanya token Bawaslu yang dapat mengirim temuan."))
        cleaned = data["cleaned"]
        anonymity = Anonymity.NAMED if data["kind"] == ReportKind.TEMUAN else cleaned["anonymity"]
        report = services.report_submit(
            fields={name: cleaned.get(name) for name in services.REPORT_FIELDS}, anonymity=anonymity, pin=None,
            reporter={k: cleaned.get(k) for k in REPORTER_FIELDS} if data["kind"] == ReportKind.LAPORAN else None,
            actor=request.user, channel=Channel.API, kind=data["kind"])
        return Response(new_report_body(report, request.user), status=status.HTTP_201_CREATED,
                        headers={"Location": f"{request.path}{report.pk}/"})

    @extend_schema(summary="Tambah bukti (multipart, satu berkas per permintaan)", parameters=[REPORT_ID,
                                                                                              IDEMPOTENCY_PARAMETER],
                   request={"multipart/form-data": EvidenceUploadSerializer},
                   responses={201: EvidenceSerializer, **errors(400, 404, 422)})
    @idempotent
    def add_evidence(self, request, pk=None):
        report = self.get_object()
        upload = request.FILES.get("file")
        if upload is None:
            raise Unprocessable({"file": [_("Lampirkan berkas bukti pada isian \u201cfile\u201d (multipart/form-data).")]})
        try:
            stored = store_upload(upload)
        except EvidenceRejected as exc:
            raise Unprocessable({"file": [str(exc)]})
        in_scope = reports_visible_to(request.user).filter(pk=report.pk).exists()
        # An intake officer of the region adds it as themself; a client adding to its own report is its submitter.
        evidence = services.evidence_add(report=report, stored=stored,
                                         actor=request.user if in_scope else None, client=request.user)
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


report_list = ReportViewSet.as_view({"get": "list", "post": "create"})
report_detail = ReportViewSet.as_view({"get": "retrieve"})
report_evidence = ReportViewSet.as_view({"post": "add_evidence"}, parser_classes=[MultiPartParser])

urlpatterns = [
    path("reports/", report_list, name="api-report-list"),
    path("reports/<str:pk>/", report_detail, name="api-report-detail"),
    path("reports/<str:pk>/evidence/", report_evidence, name="api-report-evidence"),
    *api_check.urlpatterns,
]
