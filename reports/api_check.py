"""The initial review over the API: POST /api/v1/reports/{id}/decision/ takes any exit the law has (register,
forward without registration, ask to complete, not registrable, merge, lead). Validation is the web form's
(reports.forms.CheckForm) and the write is reports.services.report_decide, so both doors behave alike."""
from django.urls import path
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.errors import Unprocessable, errors
from cases.api.views import parse_pk
from cases.models import Agency
from reports import selectors, services
from reports.forms import CheckForm
from reports.models import CheckOutcome, Report


class DecisionSerializer(serializers.Serializer):
    """Documents the body; the web form's rules check it."""

    outcome = serializers.ChoiceField(choices=CheckOutcome.choices)
    reason = serializers.CharField(required=False, help_text="forward, not_registrable, lead: kesimpulan/alasan")
    question = serializers.CharField(required=False, help_text="incomplete: yang perlu dilengkapi pelapor")
    due_on = serializers.DateField(required=False, help_text="incomplete: kosong = menurut aturan COMPLETION_WINDOW")
    respondent_agency = serializers.CharField(required=False, help_text="register/forward: kode instansi terlapor")
    case_number = serializers.CharField(required=False, help_text="register: tambahkan ke perkara yang ada")
    into = serializers.CharField(required=False, help_text="merge: kode pelacakan atau nomor laporan tujuan")


class DecisionResultSerializer(serializers.Serializer):
    report = serializers.IntegerField()
    status = serializers.CharField()
    case = serializers.CharField(allow_null=True, help_text="nomor perkara bila diregistrasi atau diteruskan")


class ReportDecision(APIView):
    @extend_schema(summary="Hasil kajian awal laporan", request=DecisionSerializer,
                   examples=[OpenApiExample("teruskan tanpa registrasi", request_only=True, value={
                       "outcome": "forward", "reason": "Unggahan dukungan kepada pasangan calon; bukti cukup."})],
                   responses={200: DecisionResultSerializer, **errors(403, 404, 409, 422)})
    def post(self, request, pk):
        if not request.user.has_perm("reports.intake"):
            raise PermissionDenied()
        try:
            report = selectors.reports_visible_to(request.user).get(pk=parse_pk(pk))
        except Report.DoesNotExist:
            raise NotFound()
        form = CheckForm(_form_data(request.data), cases=selectors.cases_visible_to(request.user),
                         reports=selectors.reports_visible_to(request.user))
        if not form.is_valid():
            raise Unprocessable(form.errors)
        services.report_decide(actor=request.user, report=report, outcome=form.cleaned_data["outcome"],
                               data=form.cleaned_data)
        report.refresh_from_db()
        primary = report.primary()
        return Response({"report": report.pk, "status": report.status,
                         "case": primary.case.number if primary.case_id else None})


def _form_data(data) -> dict:
    """The API names the respondent's agency by its code; the form takes the row's id."""
    if not hasattr(data, "get"):
        raise Unprocessable({"non_field_errors": ["Isi permintaan harus berupa objek JSON."]})
    values = {key: data.get(key) for key in DecisionSerializer().fields if data.get(key) not in (None, "")}
    code = values.get("respondent_agency")
    if code:
        agency = Agency.objects.filter(code=str(code)).values_list("pk", flat=True).first()
        values["respondent_agency"] = agency if agency is not None else "-"
    return values


urlpatterns = [path("reports/<str:pk>/decision/", ReportDecision.as_view(), name="api-report-decision")]
