"""Case API viewsets: a few lines each over cases.selectors (scope) and cases.workflow (changes)."""
import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import stats, workflow
from cases.api import serializers as s
from cases.api.errors import ErrorSerializer, Unprocessable, errors
from cases.api.idempotency import PARAMETER as IDEMPOTENCY_PARAMETER
from cases.params import whole_number
from cases.api.idempotency import idempotent
from cases.filters import CLOCK_STATES, REACHED, CaseFilterSet
from cases.models import (
    AccessKind, Agency, CaseStatus, DeadlineRule, ElectionPeriod, Holiday, Letter, Region, Respondent, SanctionCategory,
    SanctionType, ViolationType,
)
from cases.nip import parse_nip
from cases.services import access_record, letter_opened, request_origin
from cases.selectors import (
    blocks_prefetch, case_for_user, case_timeline_entries, cases_visible_to, letters_visible_to, tracks_prefetch, tracks_visible_to,
)
from cases.workspace import case_act, stale_message
from cases.workspace_forms import form_for

MAX_PK = 2 ** 63 - 1
SAFE_LOOKUP = re.compile(r"^[^\x00-\x1f]{1,100}$")


def parse_pk(value) -> int:
    """A path id as a positive bigint, else 404 (never a database error)."""
    if not re.fullmatch(r"[0-9]{1,19}", str(value)) or not 0 < int(value) <= MAX_PK:  # not isdigit(): "¹"
        raise NotFound()
    return int(value)


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"


class FilterSetBackend(DjangoFilterBackend):
    """The queue's FilterSet; invalid parameters become a 422 naming each parameter (messages taken as rendered,
    since a value may contain "%")."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise Unprocessable({name: list(messages) for name, messages in filterset.form.errors.items()})
        term = filterset.form.cleaned_data.get("q") or ""
        if term and not any(ch.isalnum() for ch in term):
            # cases.filters.search_q fails in PostgreSQL on a term with no word character ("!!"); refuse it here.
            raise Unprocessable({"q": [_("Kata pencarian harus memuat huruf atau angka.")]})
        return filterset.qs


class LookupMixin:
    """get_object for string lookups: control characters and oversize values are simply not found."""

    def get_object(self):
        value = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if not SAFE_LOOKUP.match(value):
            raise NotFound()
        return super().get_object()


# --- cases -----------------------------------------------------------------------------------------------------

IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=False,
    description="ETag dari detail perkara yang Anda lihat; bila perkara sudah berubah sejak itu → 412.")
ACTION_PATH = OpenApiParameter("action", str, OpenApiParameter.PATH, enum=s.ACTION_CHOICES,
                               description="Tindakan alur kerja (lihat allowed_actions pada perkara).")
ID_PATH = OpenApiParameter("id", int, OpenApiParameter.PATH, description="id perkara")


@extend_schema_view(
    list=extend_schema(summary="Daftar perkara dalam cakupan klien", responses={200: s.CaseSerializer(many=True),
                                                                              **errors(404, 422)},
                       description="Disaring dengan FilterSet yang sama dengan antrean HTML; paginasi kursor "
                                   "(`cursor`, `page_size`). Parameter `sort` diabaikan: urutan selalu terbaru dulu."),
    retrieve=extend_schema(summary="Satu perkara", parameters=[ID_PATH],
                           responses={200: s.CaseDetailSerializer, **errors(404)}),
)
class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.CaseSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = CaseFilterSet
    pagination_class = ApiCursorPagination
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return (cases_visible_to(self.request.user).select_related("election", "region")
                .prefetch_related(tracks_prefetch(self.request.user), "scoped_tracks__recommendation",
                                  "scoped_tracks__decisions__sanction_type",
                                  blocks_prefetch("scoped_tracks__")))

    def get_object(self):
        return case_for_user(self.request.user, parse_pk(self.kwargs["pk"]))

    def retrieve(self, request, *args, **kwargs):
        return self._detail(request, self.get_object())

    @staticmethod
    def _detail(request, case):
        """The case as CaseDetailSerializer gives it, its ETag the version an action's If-Match names."""
        body = s.CaseDetailSerializer(case, context={"request": request}).data
        return Response(body, headers={"ETag": f'"{workflow.case_version(case)}"'})

    @extend_schema(summary="Kronologi perkara (peristiwa, tenggat, surat)", parameters=[ID_PATH],
                   responses={200: s.TimelineEntrySerializer(many=True), **errors(404)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, pk=None):
        entries = case_timeline_entries(self.get_object(), request.user)
        return Response(s.TimelineEntrySerializer(entries, many=True).data)

    @extend_schema(
        summary="Jalankan tindakan alur kerja pada perkara",
        description="Melalui `cases.workflow.perform`: peran yang salah → 403, status yang salah → 409 (tidak ada "
                    "yang berubah), isian yang salah → 422. Isi hanya parameter yang dibutuhkan tindakan itu.",
        parameters=[ID_PATH, ACTION_PATH, IDEMPOTENCY_PARAMETER, IF_MATCH], request=s.ActionParamsSerializer,
        responses={200: s.CaseDetailSerializer, **errors(400, 403, 404, 409, 422),
                   412: OpenApiResponse(ErrorSerializer, description="If-Match tidak lagi cocok: perkara telah "
                                        "berubah (pesan menyebut apa, oleh siapa, kapan); tidak ada yang diubah.",
                                        examples=[OpenApiExample("412 precondition_failed", value={
                                            "code": "precondition_failed", "fields": {}, "message":
                                            "Perkara ini telah berubah sejak halaman dibuka: \u201cTeruskan ke "
                                            "lembaga pengawas\u201d oleh Sri Wahyuni pada 2 Des 2026 10:15. Tidak "
                                            "ada yang diubah; periksa keadaan terbaru lalu ulangi bila masih perlu."})])},
        examples=[OpenApiExample("forward", value={"conclusion": "Terbukti memenuhi unsur; diteruskan."},
                                 request_only=True),
                  OpenApiExample("dismiss", value={"reason": "Terlapor bukan ASN."}, request_only=True)])
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action>[^/]+)", pagination_class=None,
            filter_backends=[])
    @idempotent
    def act(self, request, pk=None, action=None):
        case = self.get_object()
        if action not in s.ACTION_CHOICES:
            raise NotFound(_("Tindakan \u201c%(a)s\u201d tidak dikenal.") % {"a": action[:40]})
        version = _if_match(request)
        if version is not None and version != workflow.case_version(case):  # a precondition: before anything else
            raise PreconditionFailed(stale_message(workflow.StaleCase(workflow.latest_action_event(case))))
        form = form_for(action, case=case, user=request.user, data=request.data, files=request.FILES, prefix=None)
        if not form.is_valid():
            workflow.check_may(action, actor=request.user, case=case)  # a refusal (403, 409) comes before bad input
            raise Unprocessable({("non_field_errors" if k == "__all__" else k): [e["message"] for e in v]
                                 for k, v in form.errors.get_json_data().items()})
        try:
            case_act(actor=request.user, case=case, action=action, params=form.params(), version=version)
        except workflow.StaleCase as exc:
            raise PreconditionFailed(stale_message(exc)) from exc
        return self._detail(request, case_for_user(request.user, case.pk))


class PreconditionFailed(APIException):
    status_code = 412
    default_code = "precondition_failed"


def _if_match(request):
    """The case version an `If-Match` header names (the ETag of the case detail), None without one or for "*";
    a value that is no ETag of ours can match nothing."""
    raw = request.headers.get("If-Match", "").strip()
    if not raw or raw == "*":
        return None
    tag = raw.removeprefix("W/").strip('"')
    version = whole_number(tag)
    return -1 if version is None else version


# --- respondents -------------------------------------------------------------------------------------------------

NIP_PATH = OpenApiParameter("nip", str, OpenApiParameter.PATH, description="NIP 18 digit (spasi/titik boleh)")


class RespondentView(APIView):
    @extend_schema(
        summary="Cari terlapor menurut NIP", parameters=[NIP_PATH], operation_id="respondents_retrieve",
        responses={200: s.RespondentSerializer,
                   404: errors(404)[404],
                   422: OpenApiResponse(errors(422)[422].response, description="NIP salah bentuk; pesan menyebut bagiannya.",
                                        examples=[OpenApiExample("422 nip", value={
                                            "code": "invalid", "message": "Data yang dikirim tidak valid; lihat rincian "
                                            "per isian di \u201cfields\u201d.", "fields": {"nip": [
                                                "Digit 13\u201314 NIP (bulan pengangkatan 13) harus 01\u201312 "
                                                "(atau 21 untuk PPPK)."]}})])})
    def get(self, request, nip):
        if not re.fullmatch(r"[0-9 .\-]*", nip):  # ASCII digits only: parse_nip's isdigit() lets "¹" through
            raise Unprocessable({"nip": [_("NIP hanya boleh berisi angka.")]})
        try:
            parsed = parse_nip(nip)
        except ValidationError as err:
            raise Unprocessable({"nip": err.messages})
        respondent = Respondent.objects.select_related("agency").filter(nip=parsed.nip).first()
        # Only cases where this respondent is in the client's scope: a liaison does not look up another agency's.
        cases = (cases_visible_to(request.user).filter(
            pk__in=tracks_visible_to(request.user).filter(respondent=respondent).values("case_id")).order_by("-id")[:100]
            if respondent else [])
        if respondent is None or not cases:
            raise NotFound(_("NIP %(nip)s tidak ditemukan pada perkara yang dapat Anda akses.") % {"nip": parsed.display})
        data = s.RespondentSerializer(respondent, context={"cases": cases}).data
        access_record(actor=request.user, kind=AccessKind.RESPONDENT_RECORD, object_id=respondent.pk,
                      label=respondent.nip or "", via=request_origin(request))
        return Response(data)


# --- letters -------------------------------------------------------------------------------------------------------

class PDFRenderer(renderers.BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else renderers.JSONRenderer().render(data)


LETTER_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="id surat")


@extend_schema_view(
    list=extend_schema(summary="Surat dari perkara dalam cakupan klien", responses={200: s.LetterSerializer(many=True),
                                                                                  **errors(404)}),
    retrieve=extend_schema(summary="Satu surat", parameters=[LETTER_ID], responses={200: s.LetterSerializer, **errors(404)}),
)
class LetterViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = s.LetterSerializer
    pagination_class = ApiCursorPagination
    filter_backends = []
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return letters_visible_to(self.request.user).select_related("agency", "case").defer("pdf")

    def get_object(self):
        try:
            return self.get_queryset().get(pk=parse_pk(self.kwargs["pk"]))
        except Letter.DoesNotExist:
            raise Http404

    @extend_schema(summary="Unduh PDF surat", parameters=[LETTER_ID],
                   responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF asli"),
                              **errors(404)})
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, PDFRenderer])
    def pdf(self, request, pk=None):
        letter = self.get_object()
        letter_opened(actor=request.user, letter=letter, via=request_origin(request))
        pdf = Letter.objects.values_list("pdf", flat=True).get(pk=letter.pk)
        response = HttpResponse(bytes(pdf), content_type="application/pdf")
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", letter.number)[:80] or "surat"
        response["Content-Disposition"] = f'attachment; filename="{safe}.pdf"'
        response["X-Content-SHA256"] = letter.sha256
        return response

    @extend_schema(summary="Verifikasi surat (token QR dan/atau SHA-256)",
                   description="Tidak dibatasi cakupan: hanya nomor, tanggal, penerbit dan hash (tanpa data pribadi), "
                               "sama dengan halaman verifikasi publik.",
                   parameters=[s.LetterVerifyQuerySerializer],
                   responses={200: s.LetterVerificationSerializer, **errors(404, 422)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def verify(self, request):
        query = s.LetterVerifyQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        token, digest = query.validated_data.get("token"), (query.validated_data.get("sha256") or "").lower()
        qs = Letter.objects.select_related("agency").defer("pdf")
        letter = qs.filter(verify_token=token).first() if token else qs.filter(sha256=digest).first()
        if letter is None:
            raise NotFound(_("Surat tidak ditemukan: periksa token atau hash."))
        matches = (letter.sha256 == digest) if digest else None
        return Response(s.LetterVerificationSerializer({
            "valid": not letter.void and matches is not False, "number": letter.number, "kind": letter.kind,
            "issued_at": letter.issued_at, "issuer": letter.agency.name, "sha256": letter.sha256,
            "sha256_matches": matches, "void": letter.void}).data)


# --- reference data ----------------------------------------------------------------------------------------------

def _reference(model, serializer, lookup, ordering, label, lookup_type=str, queryset=None):
    path = OpenApiParameter(lookup, lookup_type, OpenApiParameter.PATH)

    @extend_schema_view(
        list=extend_schema(summary=f"Data rujukan: {label}", responses={200: serializer(many=True), **errors(404)}),
        retrieve=extend_schema(summary=f"Data rujukan: satu {label}", parameters=[path],
                               responses={200: serializer, **errors(404)}),
    )
    class ReferenceViewSet(LookupMixin, viewsets.ReadOnlyModelViewSet):
        serializer_class = serializer
        lookup_field = lookup
        lookup_value_regex = "[^/]+"
        filter_backends = []
        pagination_class = type(f"{model.__name__}Pagination", (ApiCursorPagination,), {"ordering": ordering})

        def get_queryset(self):
            return queryset() if queryset else model.objects.all()

        def get_object(self):
            value = self.kwargs[lookup]
            if lookup_type is int:
                self.kwargs[lookup] = str(parse_pk(value))
            elif lookup == "date":
                try:
                    dt.date.fromisoformat(value if re.match(r"^\d{4}-\d{2}-\d{2}$", value) else "")
                except ValueError:
                    raise NotFound()
            return super().get_object()

    ReferenceViewSet.__name__ = f"{model.__name__}ViewSet"
    ReferenceViewSet.__qualname__ = ReferenceViewSet.__name__
    return ReferenceViewSet


RegionViewSet = _reference(Region, s.RegionSerializer, "code", "code", "wilayah",
                           queryset=lambda: Region.objects.select_related("parent"))
AgencyViewSet = _reference(Agency, s.AgencySerializer, "code", "code", "instansi",
                           queryset=lambda: Agency.objects.select_related("region", "parent"))
ElectionViewSet = _reference(ElectionPeriod, s.ElectionSerializer, "slug", "slug", "pemilihan",
                             queryset=lambda: ElectionPeriod.objects.prefetch_related("stages"))
ViolationTypeViewSet = _reference(ViolationType, s.ViolationTypeSerializer, "code", "code", "jenis pelanggaran",
                                  queryset=lambda: ViolationType.objects.select_related("parent"))
SanctionTypeViewSet = _reference(SanctionType, s.SanctionTypeSerializer, "code", "code", "jenis sanksi")
DeadlineRuleViewSet = _reference(DeadlineRule, s.DeadlineRuleSerializer, "id", "id", "aturan tenggat", lookup_type=int)
HolidayViewSet = _reference(Holiday, s.HolidaySerializer, "date", "date", "hari libur", lookup_type=OpenApiTypes.DATE)


# --- statistics --------------------------------------------------------------------------------------------------

SUMMARY_TABLES = ("summary", "funnel", "status", "election")
STATS_PARAMETERS = [
    OpenApiParameter("status", str, many=True, enum=CaseStatus.values),
    OpenApiParameter("election", str, description="slug pemilihan"),
    OpenApiParameter("region", str, description="kode wilayah, mis. 33 atau 33.01"),
    OpenApiParameter("agency", str, description="kode instansi"),
    OpenApiParameter("violation", str, description="kode jenis pelanggaran"),
    OpenApiParameter("sanction_category", str, enum=SanctionCategory.values),
    OpenApiParameter("clock_state", str, enum=[value for value, _label in CLOCK_STATES]),
    OpenApiParameter("reached", str, enum=list(REACHED)),
    OpenApiParameter("q", str, description="cari (nomor perkara atau teks)"),
]


class StatisticsSummaryView(APIView):
    @extend_schema(summary="Ringkasan statistik perkara dalam cakupan klien",
                   description="Tabel ringkasan, alur, per status dan per pemilihan dari `cases.stats` (angka "
                               "yang sama dengan dasbor), dengan filter yang sama.",
                   parameters=STATS_PARAMETERS, operation_id="statistics_summary",
                   responses={200: s.StatsSummarySerializer, **errors(422)})
    def get(self, request):
        filterset = stats.case_filters(request.user, request.query_params)
        if not filterset.is_valid():
            raise Unprocessable({k: [str(m) for m in v] for k, v in filterset.form.errors.items()})
        data = stats.dashboard_cached(request.user, filterset.active())
        tables = [t for t in data["tables"] if t["key"] in SUMMARY_TABLES]
        return Response(s.StatsSummarySerializer({"generated_at": data["generated_at"], "tables": tables}).data)
