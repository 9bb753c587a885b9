"""Screening forms: review decisions, thresholds, lexicon terms, account registry; messages name the field and rule."""
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Agency, ElectionPeriod, ViolationType
from reports.screening.models import TermKind, VerdictLabel

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ConfirmForm(forms.Form):
    violation_type = forms.ModelChoiceField(
        label=_("Jenis pelanggaran"), queryset=ViolationType.objects.filter(social_media=True, code__startswith="SOSMED_"),
        error_messages={"required": _("Pilih jenis pelanggaran media sosial."),
                        "invalid_choice": _("Jenis pelanggaran harus dari katalog media sosial (SOSMED_*).")})
    election = forms.ModelChoiceField(label=_("Pemilihan"), queryset=ElectionPeriod.objects.all(), required=False,
                                      to_field_name="slug",
                                      error_messages={"invalid_choice": _("Pemilihan tidak dikenal.")})
    note = forms.CharField(label=_("Catatan"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class DismissForm(forms.Form):
    label = forms.ChoiceField(label=_("Alasan"), choices=[(VerdictLabel.POLITICAL, VerdictLabel.POLITICAL.label),
                                                           (VerdictLabel.OTHER, VerdictLabel.OTHER.label)],
                              initial=VerdictLabel.POLITICAL,
                              error_messages={"invalid_choice": _("Alasan penolakan tidak dikenal.")})
    note = forms.CharField(label=_("Catatan"), required=False, max_length=2000)


def _threshold_field(label):
    return forms.FloatField(label=label, min_value=0, max_value=1, error_messages={
        "required": _("%(f)s wajib diisi.") % {"f": label},
        "invalid": _("%(f)s harus angka, mis. 0,65.") % {"f": label},
        "min_value": _("%(f)s harus antara 0 dan 1.") % {"f": label},
        "max_value": _("%(f)s harus antara 0 dan 1.") % {"f": label}}, localize=True)


class ThresholdForm(forms.Form):
    review = _threshold_field(_("Ambang tinjauan"))
    priority = _threshold_field(_("Ambang prioritas"))

    def clean(self):
        data = super().clean()
        if data.get("review") is not None and data.get("priority") is not None and data["priority"] < data["review"]:
            self.add_error("priority", _("Ambang prioritas tidak boleh lebih rendah dari ambang tinjauan."))
        return data


class LexiconTermForm(forms.Form):
    election = forms.ModelChoiceField(label=_("Pemilihan"), queryset=ElectionPeriod.objects.all(), required=False,
                                      to_field_name="slug", empty_label=_("Semua pemilihan"),
                                      error_messages={"invalid_choice": _("Pemilihan tidak dikenal.")})
    term = forms.CharField(label=_("Istilah"), max_length=200,
                           error_messages={"required": _("Istilah wajib diisi.")})
    kind = forms.ChoiceField(label=_("Jenis"), choices=TermKind.choices,
                             error_messages={"invalid_choice": _("Jenis istilah tidak dikenal.")})
    side = forms.CharField(label=_("Pihak (mis. 01-nama-pasangan)"), max_length=80, required=False)
    weight = forms.FloatField(label=_("Bobot"), min_value=0, max_value=1, initial=0.5, localize=True, error_messages={
        "invalid": _("Bobot harus angka antara 0 dan 1."), "min_value": _("Bobot harus antara 0 dan 1."),
        "max_value": _("Bobot harus antara 0 dan 1."), "required": _("Bobot wajib diisi.")})
    note = forms.CharField(label=_("Catatan"), max_length=300, required=False)


class AccountForm(forms.Form):
    platform = forms.CharField(label=_("Platform"), max_length=20, initial="x",
                               error_messages={"required": _("Platform wajib diisi (mis. x, facebook, instagram).")})
    handle = forms.CharField(label=_("Akun (tanpa @)"), max_length=100,
                             error_messages={"required": _("Nama akun wajib diisi.")})
    nip = forms.CharField(label=_("NIP"), max_length=30, error_messages={"required": _("NIP wajib diisi.")})
    name = forms.CharField(label=_("Nama ASN (jika NIP belum terdaftar)"), max_length=200, required=False)
    agency = forms.ModelChoiceField(label=_("Instansi"), queryset=Agency.objects.all(), required=False,
                                    to_field_name="code", error_messages={"invalid_choice": _("Instansi tidak dikenal.")})


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas CSV"), error_messages={"required": _("Pilih berkas CSV."),
                                                                   "empty": _("Berkas kosong.")})

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".csv"):
            raise forms.ValidationError(_("Berkas harus CSV (.csv)."))
        if f.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Berkas lebih besar dari 20 MB."))
        return f


class ScoreRunForm(forms.Form):
    election = forms.ModelChoiceField(label=_("Pemilihan"), queryset=ElectionPeriod.objects.all(), required=False,
                                      to_field_name="slug", empty_label=_("Semua"),
                                      error_messages={"invalid_choice": _("Pemilihan tidak dikenal.")})


MAX_CANDIDATE_LIST_BYTES = 5 * 1024 * 1024


class CandidateListForm(forms.Form):
    election = forms.ModelChoiceField(label=_("Pemilihan"), queryset=ElectionPeriod.objects.all(), to_field_name="slug",
                                      error_messages={"required": _("Pilih pemilihan yang daftar calonnya diimpor."),
                                                      "invalid_choice": _("Pemilihan tidak dikenal.")})
    file = forms.FileField(label=_("Daftar calon (CSV atau XLSX)"),
                           error_messages={"required": _("Pilih berkas daftar calon."), "empty": _("Berkas kosong.")})

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Berkas daftar calon harus .csv atau .xlsx."))
        if f.size > MAX_CANDIDATE_LIST_BYTES:
            raise forms.ValidationError(_("Berkas daftar calon lebih besar dari 5 MB."))
        return f


class PostUploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas unggahan (CSV atau JSONL)"),
                           error_messages={"required": _("Pilih berkas CSV atau JSONL."), "empty": _("Berkas kosong.")})
    election = forms.ModelChoiceField(label=_("Pemilihan (bila kolom election kosong)"),
                                      queryset=ElectionPeriod.objects.all(), required=False, to_field_name="slug",
                                      empty_label=_("menurut tanggal unggahan saat konfirmasi"),
                                      error_messages={"invalid_choice": _("Pemilihan tidak dikenal.")})
