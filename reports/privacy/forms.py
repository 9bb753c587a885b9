"""Forms of the privacy pages: the access-record filter, a reporter's request (PIN again), an officer's entries."""
from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import AccessKind
from reports.privacy.models import RequestKind, RequestStatus

REPORTER_KINDS = [(k.value, k.label) for k in (RequestKind.WITHDRAW_CONSENT, RequestKind.RESTRICT,
                                               RequestKind.DELETE_IDENTITY)]


class AccessFilterForm(forms.Form):
    user = forms.CharField(label=_("Pengguna (nama login)"), required=False, max_length=150)
    kind = forms.ChoiceField(label=_("Yang dibuka"), required=False, choices=[("", _("Semua"))] + AccessKind.choices)
    start = forms.DateTimeField(label=_("Dari"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                error_messages={"invalid": _("Isian «Dari» harus tanggal dan jam, mis. 2026-12-01 08:00.")})
    end = forms.DateTimeField(label=_("Sampai"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                              error_messages={"invalid": _("Isian «Sampai» harus tanggal dan jam, mis. 2026-12-02 08:00.")})

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("Isian «Sampai» harus sesudah «Dari»."))
        return data


class ReporterRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Permintaan"), choices=REPORTER_KINDS, widget=forms.RadioSelect,
                             error_messages={"required": _("Pilih salah satu permintaan."),
                                             "invalid_choice": _("Pilih salah satu permintaan yang tersedia.")})
    note = forms.CharField(label=_("Keterangan (boleh kosong)"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"max_length": _("Keterangan paling banyak %(limit_value)d karakter.")})
    pin = forms.CharField(label=_("PIN (untuk memastikan permintaan ini dari Anda)"), max_length=20,
                          widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
                          error_messages={"required": _("Masukkan PIN dari tanda terima Anda.")})


class RespondentRequestForm(forms.Form):
    nip = forms.CharField(label=_("NIP terlapor"), max_length=30)
    reply_to = forms.EmailField(label=_("E-mail terlapor untuk jawaban"),
                                error_messages={"invalid": _("Isian «E-mail» harus alamat e-mail yang sah."),
                                                "required": _("Isian «E-mail» wajib diisi: jawaban atas permintaan "
                                                              "dikirim ke alamat ini.")})
    note = forms.CharField(label=_("Keterangan permintaan"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(label=_("Hasil"), choices=[(RequestStatus.DONE.value, RequestStatus.DONE.label),
                                                          (RequestStatus.REFUSED.value, RequestStatus.REFUSED.label)])
    outcome = forms.CharField(label=_("Jawaban kepada pemohon"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": _("Tulis jawaban yang dikirim kepada pemohon.")})
