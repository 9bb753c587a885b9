"""Forms of the register pages: the upload and the column mapping."""
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import ElectionPeriod
from reports.registers.models import RegisterSource
from reports.registers.rows import FIELDS


class RegisterUploadForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Sumber register"), queryset=RegisterSource.objects.all(),
                                    to_field_name="code", empty_label=None,
                                    error_messages={"invalid_choice": _("Sumber register tidak dikenal.")})
    election = forms.ModelChoiceField(label=_("Pemilihan"), queryset=ElectionPeriod.objects.all(), to_field_name="slug",
                                      empty_label=None, error_messages={"invalid_choice": _("Pemilihan tidak dikenal.")})
    file = forms.FileField(label=_("Berkas register (CSV atau XLSX)"),
                           error_messages={"required": _("Pilih berkas CSV atau XLSX."), "empty": _("Berkas kosong.")})


class MappingForm(forms.Form):
    """One choice per system field: which column of the file holds it (required fields must be chosen)."""

    def __init__(self, *args, headers=(), initial_mapping=None, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— tidak ada —"))] + [(h, h) for h in headers]
        for f in FIELDS:
            self.fields[f.key] = forms.ChoiceField(
                label=f.label, choices=choices, required=f.required, initial=(initial_mapping or {}).get(f.key, ""),
                error_messages={"required": _("Pilih kolom berkas untuk %(field)s (wajib).") % {"field": f.label},
                                "invalid_choice": _("Kolom itu tidak ada di berkas ini.")})
