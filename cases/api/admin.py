"""Admin for API tokens: issuing shows the key once; revoking is an action; last use is listed."""
from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.api.auth import api_token_issue, api_token_revoke
from cases.models import ApiToken, Role


class ApiTokenForm(forms.ModelForm):
    role = forms.ChoiceField(label=gettext_lazy("peran"), choices=[c for c in Role.choices if c[0] != Role.ADMIN],
                             initial=Role.BAWASLU)

    class Meta:
        model = ApiToken
        fields = ["name", "agency", "region", "role", "throttle_rate"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "agency", "region", "role", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at", "agency__kind"]
    search_fields = ["name", "prefix", "agency__code", "agency__name"]
    autocomplete_fields = ["agency", "region"]
    actions = ["revoke"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ApiTokenForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["name", "agency", "region", "user", "prefix", "created_at", "created_by", "last_used_at", "revoked_at",
                "throttle_rate"]

    def get_fields(self, request, obj=None):
        return ["name", "agency", "region", "role", "throttle_rate"] if obj is None else self.get_readonly_fields(request, obj)

    @admin.display(description=gettext_lazy("peran"))
    def role(self, obj):
        return ", ".join(sorted(obj.user.roles))

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, key = api_token_issue(actor=request.user, name=form.cleaned_data["name"], agency=form.cleaned_data["agency"],
                                     region=form.cleaned_data.get("region"), role=form.cleaned_data["role"],
                                     throttle_rate=form.cleaned_data.get("throttle_rate") or "")
        obj.pk = token.pk
        obj.refresh_from_db()
        messages.warning(request, _("Kunci token \u201c%(name)s\u201d: %(key)s \u2014 salin sekarang; kunci ini tidak "
                                    "akan ditampilkan lagi.") % {"name": token.name, "key": key})

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the token's service user stays in the audit trail

    @admin.action(description=gettext_lazy("Cabut token terpilih"))
    def revoke(self, request, queryset):
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(actor=request.user, token=token)
        self.message_user(request, _("Token dicabut pada %(t)s.") % {"t": timezone.localtime().strftime("%d-%m-%Y %H:%M")})
