"""The privacy trail is append-only; retention may remove what the schedule says, and nothing else.

- privacy_privacyevent: UPDATE and DELETE refused, like case events.
- cases_accessrecord and reports_reportmessage stay append-only, except inside a transaction that has set
  `kasn.retention = 'on'` (SET LOCAL, only reports.privacy.retention does): there an access record may be deleted
  and a message's body replaced (nothing else of the row may change). A session that did not set it, or a
  stray UPDATE from any other code, is still refused by the database.
- reports_evidence is not touched: a destroyed original keeps its row and hash; its file is removed from storage
  and a privacy_destroyedevidence row records it (see retention.py).
- The schedule's first rows: periods UNCONFIRMED until an archive schedule (JRA) is adopted; administrators edit
  them (admin, "Jadwal retensi").
"""
from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION privacy_event_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'privacy events are append-only (% refused)', TG_OP;
END; $$ LANGUAGE plpgsql;
CREATE TRIGGER privacy_event_no_update BEFORE UPDATE OR DELETE ON privacy_privacyevent
  FOR EACH ROW EXECUTE FUNCTION privacy_event_append_only();

CREATE OR REPLACE FUNCTION cases_access_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('kasn.retention', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'access records are append-only (% refused)', TG_OP;
END; $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION reports_message_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND current_setting('kasn.retention', true) = 'on'
     AND (to_jsonb(NEW) - 'body') = (to_jsonb(OLD) - 'body') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'report messages are append-only (% refused)', TG_OP;
END; $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS reports_message_no_update ON reports_reportmessage;
CREATE TRIGGER reports_message_no_update BEFORE UPDATE OR DELETE ON reports_reportmessage
  FOR EACH ROW EXECUTE FUNCTION reports_message_append_only();
"""
REVERSE = """
DROP TRIGGER IF EXISTS privacy_event_no_update ON privacy_privacyevent;
DROP FUNCTION IF EXISTS privacy_event_append_only();
CREATE OR REPLACE FUNCTION cases_access_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'access records are append-only (% refused)', TG_OP;
END; $$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS reports_message_no_update ON reports_reportmessage;
CREATE TRIGGER reports_message_no_update BEFORE UPDATE OR DELETE ON reports_reportmessage
  FOR EACH ROW EXECUTE FUNCTION reports_event_append_only();
DROP FUNCTION IF EXISTS reports_message_append_only();
"""

BASIS = "UU 27/2022 Pasal 20 ayat (2) huruf e (pelaksanaan kewenangan berdasarkan UU 7/2017 Pasal 454 dan UU 20/2023)"
SCHEDULE = [
    ("reporter_contact", 730, "laporan diterima, bila penanganannya sudah selesai", "anonymise",
     "Menghubungi pelapor selama penanganan: klarifikasi, permintaan kelengkapan, pemberitahuan hasil",
     "Bawaslu di wilayah laporan; administrator"),
    ("anonymous_messages", 365, "pesan dikirim", "delete",
     "Percakapan dengan pelapor anonim untuk melengkapi informasi awal",
     "Bawaslu di wilayah laporan, lembaga pengawas ASN, auditor"),
    ("unregistered_evidence", 365, "bukti diunggah, bila laporannya tidak dapat diregistrasi atau menjadi informasi awal",
     "delete", "Kajian awal laporan (syarat formal dan materiel)",
     "Bawaslu, lembaga pengawas ASN, auditor (setiap pembukaan dicatat)"),
    ("dismissed_posts", 180, "unggahan ditolak peninjau", "anonymise",
     "Penapisan konten media sosial ASN", "Peninjau penapisan; administrator"),
    ("closed_case_personal", 1825, "perkara ditutup", "anonymise",
     "Pembuktian penanganan perkara setelah selesai (keberatan, pemeriksaan ulang)",
     "Bawaslu di wilayah perkara; administrator"),
    ("access_records", 1825, "data dibuka", "delete",
     "Pertanggungjawaban akses data pribadi dan pemberitahuan kegagalan pelindungan (UU 27/2022 Pasal 46)",
     "Auditor dalam lingkupnya; administrator"),
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("privacy", "RetentionRule")
    for data_class, days, starts, action, purpose, seen_by in SCHEDULE:
        RetentionRule.objects.get_or_create(data_class=data_class, defaults={
            "period_days": days, "starts_from": starts, "action": action, "purpose": purpose,
            "legal_basis": BASIS, "certainty": "UNCONFIRMED", "seen_by": seen_by,
            "note": "Masa simpan belum ditetapkan dalam jadwal retensi arsip (JRA); sesuaikan bila sudah ada."})


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial"), ("cases", "0009_access_record"), ("reports", "0008_evidence_append_only")]
    operations = [migrations.RunSQL(SQL, REVERSE), migrations.RunPython(seed, migrations.RunPython.noop)]
