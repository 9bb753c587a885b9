"""/api/v1/: the case API, reference data, statistics, schema and Swagger UI. The project's URL map puts the
other apps' API endpoints (reports.api, reports.screening.api) under the same prefix."""
from django.urls import path
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
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Split view: Swagger UI's start-up script is a second same-origin request, not inline (Content-Security-Policy).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
         name="api-docs"),
    path("respondents/<str:nip>/", views.RespondentView.as_view(), name="api-respondent"),
    path("statistics/summary/", views.StatisticsSummaryView.as_view(), name="api-statistics-summary"),
    *router.urls,
]
