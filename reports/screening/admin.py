"""Admin for screening data; an administrator picks the active model here or on /screening/model/."""
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from reports.admin import ReadOnlyAdmin
from reports.screening.services.versions import model_version_activate
from reports.screening.models import Account, LexiconTerm, ModelVersion, ModelVersionEvent, Post, Score, Verdict


class ModelVersionEventInline(admin.TabularInline):
    """The version's audit trail (training run, activations, rollbacks), read-only: the table is append-only."""
    model = ModelVersionEvent
    fk_name = "model_version"
    fields = ("at", "code", "actor", "from_version", "payload")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("version", "active", "created_at", "trained_by")
    readonly_fields = ("version", "metrics", "created_at", "trained_by", "active")
    actions = ["activate"]
    inlines = [ModelVersionEventInline]

    @admin.action(description=_("Jadikan model aktif"))
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Pilih tepat satu versi model."), messages.ERROR)
            return
        mv = model_version_activate(actor=request.user, model_version=queryset.get(), via="admin")
        self.message_user(request, _("Model %(v)s sekarang aktif.") % {"v": mv.version}, messages.SUCCESS)


@admin.register(ModelVersionEvent)
class ModelVersionEventAdmin(ReadOnlyAdmin):
    """Every training run, activation and rollback of the screening model, newest first; nothing is editable."""
    list_display = ("at", "code", "model_version", "from_version", "actor")
    list_filter = ("code",)
    readonly_fields = ("at", "code", "model_version", "from_version", "actor", "actor_agency", "payload")


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("platform", "handle", "respondent", "verified_by", "verified_at")
    search_fields = ("handle", "respondent__name", "respondent__nip")
    raw_id_fields = ("respondent",)


@admin.register(LexiconTerm)
class LexiconTermAdmin(admin.ModelAdmin):
    list_display = ("term", "kind", "side", "weight", "election", "active")
    list_filter = ("election", "kind", "active")
    search_fields = ("term",)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ("platform", "post_id", "account_handle", "posted_at", "election")
    search_fields = ("post_id", "account_handle")
    readonly_fields = ("sha256",)


@admin.register(Score)
class ScoreAdmin(admin.ModelAdmin):
    list_display = ("post", "model_version", "score", "label", "group_key")
    list_filter = ("model_version", "label")
    raw_id_fields = ("post",)


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    list_display = ("post", "decision", "label", "violation_type", "reviewer", "decided_at", "finding")
    list_filter = ("decision",)
    raw_id_fields = ("post", "finding")
