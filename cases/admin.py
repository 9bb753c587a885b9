"""Admin pages for every reference table, with search and filters."""
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy, ngettext

from cases import models as m
from cases import twofactor
from cases.deadlines import holiday_delete, holiday_save


@admin.register(m.Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


class LetterheadInline(admin.StackedInline):
    """The kop surat printed on every letter the agency issues."""

    model = m.Letterhead
    extra = 0
    max_num = 1


@admin.register(m.Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region", "ppk_title", "valid_from", "valid_to"]
    list_filter = ["kind", "ppk_is_candidate"]
    search_fields = ["code", "name", "ppk_title"]
    autocomplete_fields = ["region", "parent"]
    inlines = [LetterheadInline]


@admin.register(m.Letterhead)
class LetterheadAdmin(admin.ModelAdmin):
    list_display = ["agency", "address", "phone", "website", "email", "certainty"]
    search_fields = ["agency__code", "agency__name", "address"]
    autocomplete_fields = ["agency"]


@admin.register(m.LegalBasis)
class LegalBasisAdmin(admin.ModelAdmin):
    list_display = ["code", "topic", "election_type", "employee_type", "valid_from", "valid_to", "certainty"]
    list_filter = ["topic", "election_type", "employee_type", "certainty"]
    search_fields = ["code", "citation", "source"]


@admin.register(m.SupervisoryBody)
class SupervisoryBodyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "valid_from", "valid_to", "certainty"]
    search_fields = ["code", "name"]


class StageInline(admin.TabularInline):
    model = m.ElectionStage
    extra = 0


@admin.register(m.ElectionPeriod)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["slug", "name", "election_type", "voting_date"]
    list_filter = ["election_type"]
    search_fields = ["slug", "name"]
    inlines = [StageInline]


@admin.register(m.ViolationType)
class ViolationTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "social_media", "ethics_default", "discipline_default", "certainty"]
    list_filter = ["social_media", "discipline_default", "certainty"]
    search_fields = ["code", "name_id", "name_en"]


@admin.register(m.SanctionType)
class SanctionTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_id", "category", "level", "employee_type", "valid_from", "valid_to"]
    list_filter = ["category", "level", "employee_type"]
    search_fields = ["code", "name_id"]


@admin.register(m.EmployeeRegime)
class EmployeeRegimeAdmin(admin.ModelAdmin):
    list_display = ["employee_type", "regulation", "certainty", "valid_from", "valid_to"]
    list_filter = ["employee_type", "certainty"]


@admin.register(m.EscalationStep)
class EscalationStepAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "action", "min_working_days", "next_actor", "clock", "certainty", "valid_from",
                    "valid_to"]


@admin.register(m.DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ["code", "election_type", "length", "unit", "cuti_bersama_working", "certainty", "valid_from",
                    "valid_to"]
    list_filter = ["election_type", "unit", "certainty", "cuti_bersama_working"]
    search_fields = ["code", "legal_basis"]


@admin.register(m.Holiday)
class HolidayAdmin(admin.ModelAdmin):
    """Edits here go through the calendar services too, so open deadlines move (the page /cases/kalender/ is the
    officers' way in)."""

    list_display = ["date", "name", "cuti_bersama", "region", "source"]
    list_filter = ["cuti_bersama", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"
    autocomplete_fields = ["region"]

    def save_model(self, request, obj, form, change):
        saved = holiday_save(actor=request.user, date=obj.date, name=obj.name, cuti_bersama=obj.cuti_bersama,
                             region=obj.region, source=obj.source or "admin",
                             holiday=m.Holiday.objects.get(pk=obj.pk) if change else None)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        holiday_delete(actor=request.user, holiday=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(m.Respondent)
class RespondentAdmin(admin.ModelAdmin):
    list_display = ["name", "nip", "position", "agency", "verified"]
    list_filter = ["verified", "employee_type"]
    search_fields = ["name", "nip"]
    autocomplete_fields = ["agency", "region"]


class LetterSignerInline(admin.StackedInline):
    """The officer's recorded authority to sign letters (position, NIP, a.n./u.b.)."""

    model = m.LetterSigner
    extra = 0
    max_num = 1


@admin.register(m.User)
class KasnUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("Instansi", {"fields": ("agency", "region")}),)
    list_display = ["username", "get_full_name", "agency", "region", "is_active", "second_factor"]
    list_filter = ["groups", "is_active"]
    autocomplete_fields = ["agency", "region"]
    inlines = [LetterSignerInline]
    actions = ["reset_second_factor"]

    @admin.display(description=gettext_lazy("verifikasi dua langkah"), boolean=True)
    def second_factor(self, obj):
        return twofactor.has_authenticator(obj)

    @admin.action(description=gettext_lazy("Reset verifikasi dua langkah (ponsel hilang: daftar ulang saat masuk)"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            twofactor.second_factor_reset(actor=request.user, user=user)
        self.message_user(request, ngettext(
            "Verifikasi dua langkah %(n)s pengguna direset; tercatat di riwayat pengguna.",
            "Verifikasi dua langkah %(n)s pengguna direset; tercatat di riwayat pengguna.", len(queryset))
            % {"n": len(queryset)}, messages.SUCCESS)


from cases.api import admin as _api_admin  # noqa: E402,F401  (API tokens: issue once, revoke, last used)
