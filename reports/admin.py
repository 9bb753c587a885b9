"""Admin: intake records are read-only here; changes go through the intake screens (services and audit)."""
from django.contrib import admin

from reports.models import Evidence, InfoRequest, Report, ReportEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services (and their audit): shown here, never added, changed or deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["tracking_code", "kind", "status", "anonymity", "channel", "election", "region", "received_at"]
    list_filter = ["status", "kind", "anonymity", "channel", "election"]
    search_fields = ["tracking_code", "respondent_name", "respondent_nip"]
    exclude = ["pin_hash"]


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "report", "content_type", "size", "sha256", "uploaded_at"]


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "report", "code", "actor"]
    list_filter = ["code"]


@admin.register(InfoRequest)
class InfoRequestAdmin(ReadOnlyAdmin):
    list_display = ["report", "asked_at", "due_on", "status"]
