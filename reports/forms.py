"""Intake forms: the public steps, tracking, officer entry and the check outcome. Messages name the field and rule."""
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Agency, AgencyKind, Case, ElectionPeriod, ElectionStage, Region, RegionLevel
from cases.nip import normalise_nip, parse_nip
from reports import refcache
from reports.models import Anonymity, CheckOutcome, ReportKind, Standing, normalise_tracking_code

HONEYPOT = "website"


class ReferenceChoiceField(forms.ModelChoiceField):
    """A choice of reference data resolved through reports.refcache instead of one query per submission.

    `cache_name` stands for the field's queryset (the same rows wherever the field is used)."""

    def __init__(self, *args, cache_name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.cache_name = cache_name

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = self.to_field_name or "pk"
        if isinstance(value, self.queryset.model):
            value = getattr(value, key)
        try:
            row = refcache.lookup(f"{self.cache_name}:{key}", self.queryset, key, value)
        except LookupError:
            return super().to_python(value)
        if row is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value})
        return row


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS and aria); bots fill it."""

    website = forms.CharField(required=False, label=_("Situs web (biarkan kosong)"),
                              widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def is_bot(self):
        return bool(self.data.get(HONEYPOT))


def _agencies():
    return Agency.objects.filter(kind__in=[AgencyKind.CENTRAL, AgencyKind.REGIONAL]).order_by("name")


def _regions():
    return Region.objects.filter(level__in=[RegionLevel.PROVINCE, RegionLevel.REGENCY]).order_by("code")


class ReporterStepForm(HoneypotMixin):
    anonymity = forms.ChoiceField(label=_("Identitas pelapor"), choices=Anonymity.choices, widget=forms.RadioSelect,
                                  initial=Anonymity.NAMED)
    name = forms.CharField(label=_("Nama lengkap"), max_length=200, required=False)
    address = forms.CharField(label=_("Alamat"), max_length=300, required=False)
    phone = forms.CharField(label=_("Nomor telepon/WhatsApp"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail (untuk menerima PIN dan kabar laporan)"), required=False)
    standing = forms.ChoiceField(label=_("Anda melapor sebagai"), choices=[("", "—")] + list(Standing.choices),
                                 required=False)

    def clean(self):
        return self.check_reporter(super().clean())

    def check_reporter(self, data):
        if data.get("anonymity") == Anonymity.ANONYMOUS:
            for name in ("name", "address", "phone", "email", "standing"):
                data[name] = ""  # nothing identifying is kept for an anonymous report
            return data
        for name, label in (("name", _("Nama lengkap")), ("address", _("Alamat")),
                            ("standing", _("Anda melapor sebagai"))):
            if not data.get(name):
                self.add_error(name, ValidationError(
                    _("%(field)s wajib diisi untuk laporan dengan identitas (syarat formal, Perbawaslu 7/2022 Pasal 15 "
                      "ayat 3). Pilih «Anonim» bila tidak ingin memberi identitas.") % {"field": label}, code="required"))
        return data


class RespondentStepForm(HoneypotMixin):
    respondent_name = forms.CharField(label=_("Nama ASN terlapor"), max_length=200)
    respondent_nip = forms.CharField(label=_("NIP (bila diketahui)"), max_length=30, required=False)
    respondent_position = forms.CharField(label=_("Jabatan"), max_length=200, required=False)
    respondent_agency = ReferenceChoiceField(label=_("Instansi"), queryset=Agency.objects.none(), required=False,
                                             empty_label=_("— pilih instansi —"), cache_name="intake-agency")
    respondent_agency_text = forms.CharField(label=_("Instansi (bila tidak ada di daftar)"), max_length=200,
                                             required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondent_agency"].queryset = _agencies()

    def clean_respondent_nip(self):
        raw = self.cleaned_data.get("respondent_nip", "")
        if not raw.strip():
            return ""
        return parse_nip(normalise_nip(raw)).nip  # the ValidationError names the faulty part

    def clean(self):
        return self.check_respondent(super().clean())

    def check_respondent(self, data):
        if not data.get("respondent_agency") and not data.get("respondent_agency_text"):
            self.add_error("respondent_agency", _("Instansi wajib diisi: pilih dari daftar atau tulis namanya."))
        return data


_validate_link = URLValidator(schemes=["http", "https"])


def _split_links(text: str) -> list:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class EventStepForm(HoneypotMixin):
    election = ReferenceChoiceField(label=_("Pemilihan"), queryset=ElectionPeriod.objects.all(),
                                    empty_label=_("— pilih pemilihan —"), cache_name="intake-election")
    stage = ReferenceChoiceField(label=_("Tahapan"), queryset=ElectionStage.objects.select_related("election"),
                                 required=False, empty_label=_("— tidak tahu —"), cache_name="intake-stage")
    region = ReferenceChoiceField(label=_("Wilayah kejadian (provinsi/kabupaten/kota)"), queryset=Region.objects.none(),
                                  empty_label=_("— pilih wilayah —"), cache_name="intake-region")
    occurred_on = forms.DateField(label=_("Tanggal kejadian"), widget=forms.DateInput(attrs={"type": "date"}))
    known_on = forms.DateField(label=_("Tanggal Anda mengetahui kejadian"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Tempat kejadian (atau nama akun/platform)"), max_length=200)
    description = forms.CharField(label=_("Apa yang terjadi"), min_length=20, widget=forms.Textarea)
    links = forms.CharField(label=_("Tautan unggahan (satu per baris)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions()

    def clean_links(self):
        links = _split_links(self.cleaned_data.get("links"))
        for link in links:
            try:
                _validate_link(link)
            except ValidationError:
                raise ValidationError(_("Tautan «%(link)s» bukan alamat web yang sah (harus diawali http:// atau "
                                        "https://).") % {"link": link[:80]})
        return "\n".join(links)

    def clean(self):
        return self.check_event(super().clean())

    def check_event(self, data):
        today = timezone.localdate()
        occurred, known = data.get("occurred_on"), data.get("known_on")
        if occurred and occurred > today:
            self.add_error("occurred_on", _("Tanggal kejadian tidak boleh setelah hari ini."))
        if known and known > today:
            self.add_error("known_on", _("Tanggal diketahui tidak boleh setelah hari ini."))
        if occurred and known and known < occurred:
            self.add_error("known_on", _("Tanggal diketahui tidak boleh sebelum tanggal kejadian."))
        stage, election = data.get("stage"), data.get("election")
        if stage and election and stage.election_id != election.pk:
            self.add_error("stage", _("Tahapan «%(stage)s» bukan bagian dari %(election)s.")
                           % {"stage": stage.name, "election": election.name})
        return data


class ReviewStepForm(HoneypotMixin):
    confirm = forms.BooleanField(label=_("Saya menyatakan keterangan ini benar sepanjang pengetahuan saya."),
                                 required=False)

    def clean(self):
        data = super().clean()
        if self.data.get("action") == "submit" and not data.get("confirm"):
            self.add_error("confirm", _("Centang pernyataan kebenaran keterangan sebelum mengirim."))
        return data


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Kode pelacakan"), max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}))
    pin = forms.CharField(label=_("PIN"), max_length=12,
                          widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Jawaban Anda"), min_length=5, widget=forms.Textarea(attrs={"rows": 4}))


class OfficerReportForm(RespondentStepForm, EventStepForm, ReporterStepForm):
    """One page for a report received at the office, or a finding (temuan)."""

    kind = forms.ChoiceField(label=_("Jenis"), choices=[(ReportKind.LAPORAN, _("Laporan (diterima di kantor)")),
                                                        (ReportKind.TEMUAN, _("Temuan (hasil pengawasan sendiri)"))])
    received_on = forms.DateField(label=_("Tanggal diterima"), widget=forms.DateInput(attrs={"type": "date"}))

    field_order = ["kind", "received_on", "anonymity", "name", "address", "phone", "email", "standing",
                   "respondent_name", "respondent_nip", "respondent_position", "respondent_agency",
                   "respondent_agency_text", "election", "stage", "region", "occurred_on", "known_on", "place",
                   "description", "links"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["anonymity"].required = False  # a finding has no reporter; a report defaults to named

    def clean(self):
        data = self.check_event(self.check_respondent(forms.Form.clean(self)))
        data["anonymity"] = data.get("anonymity") or Anonymity.NAMED
        if self.data.get("kind") == ReportKind.TEMUAN:
            # A finding is Bawaslu's own: no reporter identity is asked or kept.
            for name in ("name", "address", "phone", "email", "standing"):
                data[name] = ""
            data["anonymity"] = Anonymity.NAMED
            return data
        return self.check_reporter(data)

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise ValidationError(_("Tanggal diterima tidak boleh setelah hari ini."))
        return day


class PublicReportForm(ReporterStepForm, RespondentStepForm, EventStepForm):
    """The public report on one page (/lapor/luring/): what the device keeps as a draft while offline, then sends."""

    confirm = ReviewStepForm.base_fields["confirm"]

    field_order = ["anonymity", "name", "address", "phone", "email", "standing", "respondent_name", "respondent_nip",
                   "respondent_position", "respondent_agency", "respondent_agency_text", "election", "stage", "region",
                   "occurred_on", "known_on", "place", "description", "links", "confirm"]

    def clean(self):
        data = self.check_reporter(self.check_event(self.check_respondent(forms.Form.clean(self))))
        if not data.get("confirm"):
            self.add_error("confirm", _("Centang pernyataan kebenaran keterangan sebelum mengirim."))
        return data


Outcome = CheckOutcome


class CheckForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Hasil kajian awal"), choices=Outcome.choices, widget=forms.RadioSelect)
    respondent_agency = forms.ModelChoiceField(label=_("Instansi terlapor"), queryset=Agency.objects.none(),
                                               required=False)
    case_number = forms.CharField(label=_("Tambahkan ke perkara yang ada (nomor perkara, opsional)"), required=False)
    question = forms.CharField(label=_("Yang perlu dilengkapi pelapor"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    due_on = forms.DateField(label=_("Batas waktu melengkapi"), required=False,
                             help_text=_("Kosongkan untuk memakai batas menurut aturan tenggat kelengkapan laporan."),
                             widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Alasan atau kesimpulan (disampaikan kepada pelapor)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))
    into = forms.CharField(label=_("Gabungkan ke laporan (kode pelacakan atau nomor laporan)"), required=False)

    def __init__(self, *args, cases=None, reports=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["respondent_agency"].queryset = _agencies()
        self.cases = cases if cases is not None else Case.objects.none()
        self.reports = reports

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == Outcome.REGISTER:
            number = (data.get("case_number") or "").strip()
            data["case"] = None
            if number:
                data["case"] = self.cases.filter(number=number).first()
                if data["case"] is None:
                    self.add_error("case_number", _("Perkara «%(n)s» tidak ditemukan di wilayah Anda.") % {"n": number})
        if outcome == Outcome.INCOMPLETE:
            if not data.get("question"):
                self.add_error("question", _("Tuliskan apa yang perlu dilengkapi pelapor."))
            if data.get("due_on") and data["due_on"] < timezone.localdate():
                self.add_error("due_on", _("Batas waktu melengkapi tidak boleh sebelum hari ini."))
        if outcome == Outcome.NOT_REGISTRABLE and not data.get("reason"):
            self.add_error("reason", _("Alasan wajib diisi: pelapor akan membacanya."))
        if outcome == Outcome.FORWARD and not data.get("reason"):
            self.add_error("reason", _("Tuliskan kesimpulan kajian awal: dasar penerusan tanpa registrasi."))
        if outcome == Outcome.MERGE:
            data["into_report"] = self._report(data.get("into"))
        return data

    def _report(self, ref):
        """The report to merge into, by tracking code or number, among those the officer may see."""
        ref = normalise_tracking_code(ref)
        found = None
        if ref and self.reports is not None:
            found = (self.reports.filter(tracking_code=ref).first()
                     or (self.reports.filter(pk=int(ref)).first() if ref.isdigit() else None))
        if found is None:
            self.add_error("into", _("Laporan «%(r)s» tidak ditemukan di wilayah Anda.") % {"r": ref or "—"})
        return found


class MergeForm(forms.Form):
    into = forms.IntegerField(widget=forms.HiddenInput)


class EvidenceForm(forms.Form):
    """Only for the label; files are read with request.FILES.getlist so several can be sent at once."""


class MessageForm(forms.Form):
    """A message in the reporter's conversation (attachments come separately, through the evidence checks)."""

    body = forms.CharField(label=_("Pesan"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    prefix = "msg"


class OfficerMessageForm(MessageForm):
    due_on = forms.DateField(
        label=_("Minta kelengkapan sampai tanggal (opsional)"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Isi tanggal bila pesan ini meminta pelapor melengkapi laporan; balasan pelapor menjawabnya."))

    def clean_due_on(self):
        due = self.cleaned_data.get("due_on")
        if due and due < timezone.localdate():
            raise ValidationError(_("Batas waktu kelengkapan tidak boleh sebelum hari ini."))
        return due
