"""/api/v1/: the case API, reference data, statistics, schema and Swagger UI, plus the intake endpoints of
reports.api and reports.screening.api (included by name, so cases never imports reports)."""
from django.apps import apps
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from cases.api import views

router = SimpleRouter()
router.register("cases", views.CaseViewSet, basename="api-case")
router.register("letters", views.LetterViewSet, basename="api-letter")
router.register("regions", views.RegionViewSet, basename="api-region")
router.register("agencies", views.AgencyViewSet, basename="api-agency")
router.register("elections", views.ElectionViewSet, basename="api-election")
router.register("violation-types", views.ViolationTypeViewSet, basename="api-violation-type")
router.register("sanction-types", views.SanctionTypeViewSet, basename="api-sanction-type")
router.register("deadline-rules", views.DeadlineRuleViewSet, basename="api-deadline-rule")
router.register("holidays", views.HolidayViewSet, basename="api-holiday")

urlpatterns = [
    # Intake first: URL resolution tries the patterns in order, and report submissions are most of the API's traffic.
    *([path("", include("reports.api"))] if apps.is_installed("reports") else []),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Split view: Swagger UI's start-up script is a second same-origin request, not inline (Content-Security-Policy).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
         name="api-docs"),
    path("respondents/<str:nip>/", views.RespondentView.as_view(), name="api-respondent"),
    path("statistics/summary/", views.StatisticsSummaryView.as_view(), name="api-statistics-summary"),
    *router.urls,
]
if apps.is_installed("reports.screening"):
    urlpatterns.append(path("screening/", include("reports.screening.api")))
