"""Admin: the retention schedule is edited here; the privacy trail and destroyed files are read-only."""
from django.contrib import admin

from reports.admin import ReadOnlyAdmin
from reports.privacy import models as m


@admin.register(m.RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ["data_class", "period_days", "action", "certainty", "legal_basis", "updated_at"]
    list_filter = ["action", "certainty"]

    def has_delete_permission(self, request, obj=None):
        return False  # a class without a row would silently never be removed


@admin.register(m.PrivacyEvent)
class PrivacyEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "code", "actor", "subject"]
    list_filter = ["code"]


@admin.register(m.DestroyedEvidence)
class DestroyedEvidenceAdmin(ReadOnlyAdmin):
    list_display = ["evidence", "destroyed_at", "data_class"]


@admin.register(m.PrivacyRequest)
class PrivacyRequestAdmin(ReadOnlyAdmin):
    list_display = ["kind", "status", "received_at", "due_at", "report", "respondent"]
    list_filter = ["kind", "status"]
