"""Case API viewsets: a few lines each over cases.selectors (scope) and cases.workflow (changes)."""
import datetime as dt
import inspect
import re

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import stats, workflow
from cases.api import serializers as s
from cases.api.errors import Unprocessable, errors
from cases.api.idempotency import PARAMETER as IDEMPOTENCY_PARAMETER
from cases.api.idempotency import idempotent
from cases.filters import CaseFilterSet
from cases.models import (
    Agency, DeadlineRule, ElectionPeriod, Holiday, Letter, Region, Respondent, SanctionType, User, ViolationType,
)
from cases.nip import parse_nip
from cases.services import letter_opened, request_origin
from cases.selectors import (
    case_for_user, case_timeline_entries, cases_visible_to, letters_visible_to, tracks_prefetch, tracks_visible_to,
)

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
                                  "scoped_tracks__decisions__sanction_type"))

    def get_object(self):
        return case_for_user(self.request.user, parse_pk(self.kwargs["pk"]))

    def retrieve(self, request, *args, **kwargs):
        return Response(s.CaseDetailSerializer(self.get_object(), context={"request": request}).data)

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
        parameters=[ID_PATH, ACTION_PATH, IDEMPOTENCY_PARAMETER], request=s.ActionParamsSerializer,
        responses={200: s.CaseDetailSerializer, **errors(400, 403, 404, 409, 422)},
        examples=[OpenApiExample("forward", value={"conclusion": "Terbukti memenuhi unsur; diteruskan."},
                                 request_only=True),
                  OpenApiExample("dismiss", value={"reason": "Terlapor bukan ASN."}, request_only=True)])
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action>[^/]+)", pagination_class=None,
            filter_backends=[])
    @idempotent
    def act(self, request, pk=None, action=None):
        action_name = action
        case = self.get_object()
        if action_name not in s.ACTION_CHOICES:
            raise NotFound(_("Tindakan \u201c%(a)s\u201d tidak dikenal.") % {"a": action_name[:40]})
        params = s.ActionParamsSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        workflow.perform(action_name, actor=request.user, case=case, **self._kwargs(action_name, params.validated_data))
        return Response(s.CaseDetailSerializer(case_for_user(request.user, case.pk), context={"request": request}).data)

    @staticmethod
    def _kwargs(action_name, data) -> dict:
        """Only the parameters this action's function takes; required ones missing are passed as None so the
        workflow's own checks (role, status, then fields) decide."""
        signature = inspect.signature(workflow.ACTIONS[workflow.Action(action_name)])
        wanted = {n: p for n, p in signature.parameters.items() if n not in ("actor", "case")}
        kwargs = {n: data[n] for n in wanted if n in data}
        for name, param in wanted.items():
            if name not in kwargs and param.default is inspect.Parameter.empty:
                kwargs[name] = None
        if "officer" in wanted:
            officer = User.objects.filter(pk=kwargs.get("officer"), is_active=True).first() if kwargs.get("officer") else None
            if officer is None:
                raise Unprocessable({"officer": [_("Isi officer dengan id petugas yang aktif.")]})
            kwargs["officer"] = officer
        return kwargs


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
        from django.core.exceptions import ValidationError

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
        return Response(s.RespondentSerializer(respondent, context={"cases": cases}).data)


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
    OpenApiParameter("status", str, many=True, enum=[c[0] for c in stats.CaseFilterForm.base_fields["status"].choices]),
    OpenApiParameter("election", str, description="slug pemilihan"),
    OpenApiParameter("region", str, description="kode wilayah, mis. 33 atau 33.01"),
    OpenApiParameter("agency", str, description="kode instansi"),
    OpenApiParameter("violation", str, description="kode jenis pelanggaran"),
    OpenApiParameter("sanction_category", str, enum=[c[0] for c in stats.CaseFilterForm.base_fields["sanction_category"].choices if c[0]]),
    OpenApiParameter("clock_state", str, enum=[c[0] for c in stats.CaseFilterForm.base_fields["clock_state"].choices if c[0]]),
    OpenApiParameter("reached", str, enum=[c[0] for c in stats.CaseFilterForm.base_fields["reached"].choices if c[0]]),
    OpenApiParameter("q", str, description="cari (nomor perkara atau teks)"),
]


class StatisticsSummaryView(APIView):
    @extend_schema(summary="Ringkasan statistik perkara dalam cakupan klien",
                   description="Tabel ringkasan, alur, per status dan per pemilihan dari `cases.stats` (angka "
                               "yang sama dengan dasbor), dengan filter yang sama.",
                   parameters=STATS_PARAMETERS, operation_id="statistics_summary",
                   responses={200: s.StatsSummarySerializer, **errors(422)})
    def get(self, request):
        form = stats.CaseFilterForm(request.query_params)
        if not form.is_valid():
            raise Unprocessable({k: [str(m) for m in v] for k, v in form.errors.items()})
        data = stats.dashboard_cached(request.user, form.active())
        tables = [t for t in data["tables"] if t["key"] in SUMMARY_TABLES]
        return Response(s.StatsSummarySerializer({"generated_at": data["generated_at"], "tables": tables}).data)
