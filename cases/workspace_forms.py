"""One small form per workflow action: the one mapping of an action's parameters, for the case page and the API
alike (parsing only; rules live in cases.workflow), and the consequence each action's confirmation states."""
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cases.models import Agency, AgencyKind, DecisionReview, SanctionCategory, SanctionRecord, SanctionType, User, ViolationType
from cases.models.people import EmployeeType
from cases.selectors import assignable_officers, case_tracks
from cases.workflow import Action

REASON = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class _TrackField(forms.TypedChoiceField):
    """The respondent acted on; may be left out when the case has one (cases.workflow picks it)."""

    def __init__(self, **kw):
        super().__init__(label=_("Terlapor"), coerce=int, required=False, empty_value=None, **kw)


class ActionForm(forms.Form):
    def __init__(self, *args, case=None, user=None, **kw):
        super().__init__(*args, **kw)
        self.case, self.user = case, user
        if "track" in self.fields:
            tracks = (list(case.tracks.select_related("respondent", "agency")) if user is None
                      else [t for t in case_tracks(user, case) if not getattr(t, "masked", False)])
            if user is not None and user.has_role("ppk_liaison") and not user.has_role("administrator"):
                tracks = [t for t in tracks if t.agency_id == user.agency_id]
            self.fields["track"].choices = [(t.pk, f"{t.respondent.name} — {t.agency.short_name or t.agency.name}")
                                            for t in tracks]

    def params(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class NoFields(ActionForm):
    pass


class ReasonForm(ActionForm):
    reason = REASON


class OptionalReasonForm(ActionForm):
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False)


class ForwardForm(ActionForm):
    conclusion = forms.CharField(label=_("Kesimpulan kajian"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class RequestInfoForm(ActionForm):
    addressee = forms.CharField(label=_("Ditujukan kepada"), max_length=200)
    questions = forms.CharField(label=_("Keterangan yang diminta"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ReceiveInfoForm(ActionForm):
    summary = forms.CharField(label=_("Ringkasan keterangan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class TrackForm(ActionForm):
    track = _TrackField()


class RecordBlockForm(ActionForm):
    track = _TrackField()
    reference = forms.CharField(label=_("Rujukan pemblokiran di SIASN (boleh kosong)"), max_length=200, required=False)


class TrackReasonForm(ActionForm):
    track = _TrackField()
    reason = REASON


OUT_OF_ORDER = forms.CharField(label=_("Alasan bila langkah ini di luar urutan eskalasi"), required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))


class LadderForm(ActionForm):
    out_of_order_reason = OUT_OF_ORDER


class LadderReasonForm(ActionForm):
    reason = REASON
    out_of_order_reason = OUT_OF_ORDER


class LadderTrackForm(ActionForm):
    track = _TrackField()
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)
    out_of_order_reason = OUT_OF_ORDER


def violation_choices():
    """The catalogue in two groups (online, offline), each by name in the reader's language."""
    english = translation.get_language() == "en"
    groups = {True: [], False: []}
    for v in ViolationType.objects.all():
        groups[v.social_media].append((v.code, v.name_en if english and v.name_en else v.name_id))
    return [(_("Di media sosial dan daring"), sorted(groups[True], key=lambda c: c[1])),
            (_("Kegiatan, fasilitas, dan keputusan"), sorted(groups[False], key=lambda c: c[1]))]


class DraftForm(ActionForm):
    track = _TrackField()
    proven = forms.NullBooleanField(label=_("Hasil pemeriksaan"), widget=forms.RadioSelect(
        choices=[("true", _("Terbukti")), ("false", _("Tidak terbukti"))]))
    # Tick boxes in two groups, not a 262 px Ctrl-click list of 24 codes (#25.7); the value is still the code.
    violation_types = forms.MultipleChoiceField(label=_("Jenis pelanggaran"), required=False,
                                                widget=forms.CheckboxSelectMultiple(attrs={"class": "check-list"}))
    category = forms.ChoiceField(label=_("Kategori sanksi"), required=False, choices=[("", "—")] + SanctionCategory.choices)
    moral_level = forms.ChoiceField(label=_("Sanksi moral"), required=False,
                                    choices=[("", "—"), ("closed", _("Pernyataan tertutup")), ("open", _("Pernyataan terbuka"))])
    discipline_level = forms.ChoiceField(label=_("Hukuman disiplin"), required=False, choices=[
        ("", "—"), ("light", _("Ringan")), ("moderate", _("Sedang")), ("heavy", _("Berat")), ("ptdh", _("PTDH")),
        ("none_set", _("Tidak ada tingkat hukuman (PP 94/2021)"))])
    reasoning = forms.CharField(label=_("Pertimbangan"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000)

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.fields["violation_types"].choices = violation_choices()

    def clean_proven(self):
        if self.cleaned_data.get("proven") is None:
            raise forms.ValidationError(_("Pilih hasil pemeriksaan: terbukti atau tidak terbukti."), code="required")
        return self.cleaned_data["proven"]

    def params(self):
        data = dict(self.cleaned_data)
        if data.get("track") is None:
            data.pop("track", None)
        return data


class SanctionForm(ActionForm):
    """One decision per recommended item; fields a decision without a sanction does not need are optional here and
    checked by the workflow, which names the rule."""

    track = _TrackField()
    item = forms.ChoiceField(label=_("Butir rekomendasi"), required=False, choices=[
        ("", _("(butir yang belum diputus)")), (SanctionCategory.MORAL, _("Sanksi moral")),
        (SanctionCategory.DISCIPLINARY, _("Hukuman disiplin"))])
    sanction_type = forms.ChoiceField(label=_("Jenis sanksi yang dijatuhkan"), required=False)
    decree_number = forms.CharField(label=_("Nomor SK"), max_length=100, required=False)
    decree_date = forms.DateField(label=_("Tanggal SK"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
    signer_name = forms.CharField(label=_("Pejabat yang menandatangani SK"), max_length=200, required=False)
    signer_position = forms.CharField(label=_("Jabatan penandatangan"), max_length=200, required=False)
    employee_type = forms.ChoiceField(label=_("Jenis kepegawaian terlapor"), required=False, choices=[
        ("", _("(sesuai data terlapor)")), (EmployeeType.PNS, "PNS"), (EmployeeType.PPPK, "PPPK")])
    reason = forms.CharField(label=_("Alasan bila tidak sesuai rekomendasi"), widget=forms.Textarea(attrs={"rows": 2}),
                             max_length=2000, required=False)
    document = forms.FileField(label=_("Berkas SK (PDF)"), required=False)

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.fields["sanction_type"].choices = [("", _("— tidak dijatuhkan —"))] + [
            (s.code, f"{s.name_id} ({s.employee_type.upper() if s.employee_type != 'any' else 'PNS/PPPK'})") for s in SanctionType.objects.order_by("category", "level", "code")]


class AcknowledgeForm(ActionForm):
    track = _TrackField()
    received_on = forms.DateField(label=_("Tanggal surat rekomendasi diterima"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("Kosong: hari ini. Jam tindak lanjut PPK dihitung sejak tanggal ini."))


class DeliveryForm(ActionForm):
    track = _TrackField()
    delivered_on = forms.DateField(label=_("Tanggal diterima PPK"), widget=forms.DateInput(attrs={"type": "date"}))
    proof = forms.CharField(label=_("Bukti pengiriman (nomor tanda terima, resi, buku ekspedisi)"), max_length=300)


class GakkumduForm(ActionForm):
    violation_type = forms.ChoiceField(label=_("Perbuatan yang juga tindak pidana"))
    referred_on = forms.DateField(label=_("Tanggal penerusan"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Nomor atau rujukan penerusan"), max_length=200)

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.fields["violation_type"].choices = [(v.code, f"{v.name_id} ({v.criminal_basis})")
                                                 for v in ViolationType.objects.exclude(criminal_basis="").order_by("code")]


class _PendingDecisionField(forms.TypedChoiceField):
    def __init__(self, **kw):
        super().__init__(label=_("Keputusan PPK"), coerce=int, **kw)


class ReviewDecisionForm(ActionForm):
    decision = _PendingDecisionField()
    reason = REASON

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        pending = SanctionRecord.objects.filter(track__case=self.case, active=True, review=DecisionReview.PENDING)
        self.fields["decision"].choices = [
            (d.pk, f"{d.track.respondent.name}: {d.sanction_type.name_id if d.sanction_type else _('tidak dijatuhkan')} "
                   f"({d.get_deviation_display()})") for d in pending.select_related("track__respondent", "sanction_type")]


class _OfficerField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class AssignForm(ActionForm):
    officer = _OfficerField(label=_("Petugas"), queryset=User.objects.none(), error_messages={
        "invalid_choice": _("Pilih petugas aktif yang dapat menangani perkara ini.")})
    # Required by cases.workflow.case_assign when the case already has an officer (the same rule for the API).
    reason = forms.CharField(label=_("Alasan pengalihan"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000,
                             required=False)

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.fields["officer"].queryset = assignable_officers(self.user, self.case)


FORMS = {
    Action.EXTEND_DECISION: ReasonForm, Action.FORWARD: ForwardForm, Action.DISMISS: ReasonForm,
    Action.REQUEST_INFORMATION: RequestInfoForm, Action.RECEIVE_INFORMATION: ReceiveInfoForm,
    Action.DRAFT_RECOMMENDATION: DraftForm, Action.RECORD_NOT_PROVEN: ReasonForm,
    Action.ACKNOWLEDGE: AcknowledgeForm, Action.RECORD_DELIVERY: DeliveryForm, Action.RECORD_SANCTION: SanctionForm, Action.ACCEPT_DECISION: ReviewDecisionForm,
    Action.RETURN_DECISION: ReviewDecisionForm, Action.REFER_GAKKUMDU: GakkumduForm,
    Action.REQUEST_BLOCK: LadderTrackForm, Action.SEND_REMINDER: LadderForm, Action.RECORD_BLOCK: RecordBlockForm,
    Action.UNBLOCK: TrackForm, Action.REQUEST_UNBLOCK: TrackReasonForm, Action.ESCALATE: LadderReasonForm,
    Action.RECORD_PPK_WARNING: LadderReasonForm, Action.REPORT_TO_PRESIDENT: LadderReasonForm, Action.CLOSE_OTHER: ReasonForm,
    Action.REOPEN: ReasonForm, Action.ASSIGN: AssignForm,
}

CONSEQUENCES = {
    Action.REGISTER: _("Laporan diregistrasi dan batas waktu putusan Bawaslu mulai dihitung."),
    Action.ASSIGN: _("Petugas terpilih menjadi penanggung jawab perkara dan menerima notifikasi."),
    Action.EXTEND_DECISION: _("Batas putusan diperpanjang menjadi 14 hari kerja sejak registrasi (tidak ditambah 14)."),
    Action.START_EXAMINATION: _("Perkara masuk tahap klarifikasi dan kajian."),
    Action.FORWARD: _("Perkara diteruskan ke lembaga pengawas dan surat penerusan diterbitkan; Bawaslu tidak lagi "
                      "dapat mengubah hasil kajian."),
    Action.DISMISS: _("Perkara dihentikan dan ditutup; pelapor diberi tahu alasannya."),
    Action.START_REVIEW: _("Lembaga pengawas mulai memeriksa; jam pemeriksaan berjalan."),
    Action.REQUEST_INFORMATION: _("Jam pemeriksaan dijeda sampai keterangan diterima."),
    Action.RECEIVE_INFORMATION: _("Jam pemeriksaan berjalan kembali."),
    Action.DRAFT_RECOMMENDATION: _("Draf disimpan dan pejabat penyetuju diberi tahu; belum ada surat yang terbit."),
    Action.ISSUE_RECOMMENDATION: _("Rekomendasi ditandatangani dan dikirim ke PPK; batas tindak lanjut PPK "
                                   "mulai berjalan sejak rekomendasi diterima PPK. Tidak dapat ditarik kembali."),
    Action.RECORD_NOT_PROVEN: _("Perkara ditutup sebagai tidak terbukti; Bawaslu diberi tahu."),
    Action.ACKNOWLEDGE: _("Penerimaan rekomendasi tercatat atas nama instansi Anda; batas tindak lanjut PPK "
                          "dihitung sejak tanggal diterima."),
    Action.RECORD_DELIVERY: _("Tanggal diterima PPK tercatat dengan buktinya; batas tindak lanjut PPK dihitung sejak "
                              "tanggal itu."),
    Action.PRESUME_RECEIPT: _("Rekomendasi dianggap diterima pada tanggal batas waktu penerimaan PPK."),
    Action.RECORD_SANCTION: _("Keputusan untuk satu butir rekomendasi tercatat; bila semua butir sudah diputus, jam "
                              "tindak lanjut PPK berhenti. Keputusan yang berbeda dari rekomendasi wajib beralasan dan "
                              "ditandai \u201ctidak sesuai rekomendasi\u201d; lembaga pengawas diberi tahu. Bila data "
                              "terlapor diblokir dan keputusan berlaku, surat instansi Anda meminta BKN membuka blokir."),
    Action.ACCEPT_DECISION: _("Keputusan yang tidak sesuai rekomendasi diterima dengan alasan Anda; tetap ditandai "
                              "\u201ctidak sesuai rekomendasi\u201d. Blokir data yang masih berlaku diminta dibuka."),
    Action.RETURN_DECISION: _("Keputusan dikembalikan kepada PPK: butir rekomendasi terbuka lagi dan jam tindak lanjut "
                              "PPK dimulai lagi hari ini."),
    Action.MARK_OVERDUE: _("Perkara ditandai terlambat."),
    Action.SEND_REMINDER: _("Surat pengingat diterbitkan kepada PPK."),
    Action.REQUEST_BLOCK: _("Permintaan pemblokiran data kepegawaian dikirim ke BKN."),
    Action.RECORD_BLOCK: _("Data kepegawaian terlapor diblokir: tidak ada kenaikan pangkat, mutasi, atau pensiun "
                           "sampai blokir dibuka."),
    Action.REQUEST_UNBLOCK: _("Permintaan buka blokir masuk ke meja BKN dengan alasan Anda dan surat instansi Anda; BKN "
                              "membuka blokir di SIASN."),
    Action.UNBLOCK: _("Blokir data kepegawaian dibuka dan PPK diberi tahu."),
    Action.ESCALATE: _("Perkara dieskalasi ke KemenPAN-RB (instansi pusat) atau Kemendagri (instansi daerah)."),
    Action.RECORD_PPK_WARNING: _("Teguran kepada PPK tercatat pada perkara."),
    Action.REPORT_TO_PRESIDENT: _("Laporan kepada Presiden diterbitkan."),
    Action.CLOSE_SANCTIONED: _("Perkara ditutup dengan sanksi dijatuhkan; blokir data yang masih berlaku diteruskan "
                               "ke BKN untuk dibuka dengan surat instansi Anda."),
    Action.CLOSE_OTHER: _("Perkara ditutup dengan alasan yang Anda tulis; blokir data yang masih berlaku diteruskan ke "
                          "BKN untuk dibuka, permintaan blokir yang belum dicatat ditarik."),
    Action.REOPEN: _("Perkara dibuka kembali ke status sebelum ditutup dan jamnya dimulai lagi; hanya lembaga yang "
                     "menutupnya yang dapat membuka kembali, dan pelapor diberi tahu."),
    Action.REFER_GAKKUMDU: _("Penerusan ke Gakkumdu tercatat pada perkara (jalur pidana berjalan terpisah); status "
                             "perkara tidak berubah."),
}

DANGEROUS = {Action.DISMISS, Action.RECORD_NOT_PROVEN, Action.CLOSE_OTHER, Action.REPORT_TO_PRESIDENT, Action.RECORD_BLOCK}


_ACTION_PREFIX = object()


def form_for(action, *, case, user, data=None, files=None, prefix=_ACTION_PREFIX):
    """The action's form; on the case page each form's fields carry the action as prefix (several forms on one
    page), the API passes prefix=None."""
    cls = FORMS.get(action, NoFields)
    return cls(data=data, files=files, case=case, user=user, prefix=action if prefix is _ACTION_PREFIX else prefix)



class RespondentAddForm(forms.Form):
    """Another respondent for the case page (cases.workflow.case_add_respondent checks the NIP and who may add)."""

    name = forms.CharField(label=_("Nama terlapor"), max_length=200)
    nip = forms.CharField(label=_("NIP (bila diketahui)"), max_length=30, required=False)
    position = forms.CharField(label=_("Jabatan"), max_length=200, required=False)
    agency = forms.ModelChoiceField(label=_("Instansi"), queryset=Agency.objects.filter(
        kind__in=[AgencyKind.CENTRAL, AgencyKind.REGIONAL]).order_by("name"), empty_label=_("— pilih instansi —"))
    confirm_other_name = forms.BooleanField(
        label=_("Tetap tambahkan: saya sudah memeriksa bahwa NIP ini milik terlapor yang tercatat"), required=False)


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Catatan internal (sebut rekan dengan @nama_pengguna)"),
                           widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
