"""Write and compile the English catalog of the API's own messages: `python cases/api/locale/make_en.py`.

The Indonesian source strings are the msgids; keep this table in step with the gettext calls in cases/api/,
reports/api.py, reports/screening/api.py and issue_api_token (tests/test_api.py checks a few of them in English).
"""
import catalogue  # this folder: run as `python cases/api/locale/make_en.py`

EN = {
    "peran": "role",
    "Cabut token terpilih": "Revoke selected tokens",
    "Kunci token “%(name)s”: %(key)s — salin sekarang; kunci ini tidak akan ditampilkan lagi.":
        "Key of token “%(name)s”: %(key)s — copy it now; this key will not be shown again.",
    "Token dicabut pada %(t)s.": "Tokens revoked at %(t)s.",
    "Peran “%(r)s” tidak dapat diberikan kepada token API.": "The role “%(r)s” cannot be given to an API token.",
    "Header Authorization harus berbentuk “Token <kunci>”.": "The Authorization header must read “Token <key>”.",
    "Kunci token API tidak sah.": "Invalid API token key.",
    "Token API ini sudah dicabut; minta token baru kepada administrator.":
        "This API token has been revoked; ask an administrator for a new one.",
    "Pengguna layanan token ini dinonaktifkan.": "The service user of this token is deactivated.",
    "Tindakan tidak sesuai dengan status saat ini; tidak ada yang diubah.":
        "The action does not fit the current status; nothing was changed.",
    "Data yang dikirim tidak valid; lihat rincian per isian di “fields”.":
        "The data sent is not valid; see the details per field in “fields”.",
    "Isi permintaan tidak dapat dibaca: %(e)s": "The request body cannot be read: %(e)s",
    "Terjadi kesalahan pada server; permintaan tidak diproses. Coba lagi nanti.":
        "A server error occurred; the request was not processed. Try again later.",
    "Idempotency-Key harus 1–255 karakter ASCII yang terlihat, mis. UUID.":
        "Idempotency-Key must be 1–255 visible ASCII characters, e.g. a UUID.",
    "Idempotency-Key ini sudah dipakai untuk permintaan dengan isi berbeda; gunakan kunci baru untuk permintaan baru.":
        "This Idempotency-Key was already used for a request with a different body; use a new key for a new request.",
    "Isi token verifikasi atau sha256 surat.": "Give the letter's verification token or sha256.",
    "Surat tidak ditemukan: periksa token atau hash.": "Letter not found: check the token or hash.",
    "Tindakan “%(a)s” tidak dikenal.": "Unknown action “%(a)s”.",
    "NIP %(nip)s tidak ditemukan pada perkara yang dapat Anda akses.":
        "NIP %(nip)s was not found in any case you may access.",
    "Isi officer dengan id petugas yang aktif.": "Set officer to the id of an active officer.",
    "Kata pencarian harus memuat huruf atau angka.": "The search term must contain a letter or a digit.",
    "Hanya token Bawaslu yang dapat mengirim temuan.": "Only a Bawaslu token may submit a finding (temuan).",
    "Lampirkan berkas bukti pada isian “file” (multipart/form-data).":
        "Attach the evidence file in the “file” field (multipart/form-data).",
    # cases/api/parsers.py, errors.py: hostile bodies and unknown paths
    "JSON bersarang lebih dari %(n)d tingkat (daftar atau objek di dalam daftar atau objek); batas API ini %(n)d tingkat.":
        "The JSON nests more than %(n)d levels (lists or objects inside lists or objects); this API's limit is %(n)d "
        "levels.",
    "Isi permintaan melebihi batas %(n)d byte untuk data selain berkas; kirim berkas bukti sebagai multipart/form-data "
    "pada isian \u201cfile\u201d.":
        "The request body exceeds the limit of %(n)d bytes for data other than files; send evidence files as "
        "multipart/form-data in the \u201cfile\u201d field.",
    "Terlalu banyak isian dalam satu permintaan (batas %(n)d).": "Too many fields in one request (limit %(n)d).",
    "Terlalu banyak berkas dalam satu permintaan (batas %(n)d).": "Too many files in one request (limit %(n)d).",
    "Alamat API %(path)s tidak ada; alamat API diakhiri garis miring: %(slashed)s":
        "There is no API address %(path)s; API addresses end with a slash: %(slashed)s",
    "Alamat API %(path)s tidak ada; daftar alamat yang tersedia ada di /api/v1/docs/.":
        "There is no API address %(path)s; the available addresses are listed at /api/v1/docs/.",
    # reports/screening/api.py and the post-row rules it shares with the CSV/JSONL import (screening/services/rows.py)
    "Kirim satu objek unggahan atau daftar berisi 1–%(n)d objek unggahan.":
        "Send one post object or a list of 1–%(n)d post objects.",
    "Paling banyak %(n)d unggahan per permintaan; terkirim %(got)d. Bagi menjadi beberapa permintaan.":
        "At most %(n)d posts per request; %(got)d were sent. Split them into several requests.",
    "Setiap unggahan harus berupa objek JSON.": "Each post must be a JSON object.",
    "Hanya peninjau penapisan atau Bawaslu yang dapat mengirim unggahan.":
        "Only screening reviewers or Bawaslu may send posts.",
    "Hanya peninjau penapisan yang dapat melihat skor unggahan.": "Only screening reviewers may read post scores.",
    "kolom %(f)s wajib diisi": "field %(f)s is required",
    "kolom %(f)s harus bilangan bulat, tertulis '%(v)s'": "field %(f)s must be a whole number, got '%(v)s'",
    "kolom %(f)s tidak boleh negatif": "field %(f)s must not be negative",
    "kolom %(f)s terlalu besar": "field %(f)s is too large",
    "kolom %(f)s harus teks atau angka, bukan objek/daftar": "field %(f)s must be text or a number, not an object or list",
    "kolom %(f)s tidak boleh memuat karakter NUL": "field %(f)s must not contain a NUL character",
    "kolom posted_at harus tanggal-waktu ISO 8601 (mis. 2024-11-20T08:15:00+07:00), tertulis '%(v)s'":
        "field posted_at must be an ISO 8601 date-time (e.g. 2024-11-20T08:15:00+07:00), got '%(v)s'",
    "zona waktu kolom posted_at di luar rentang -12:00 sampai +14:00, tertulis '%(v)s'":
        "the time zone of field posted_at is outside -12:00 to +14:00, got '%(v)s'",
    "kolom url harus alamat http(s) yang sah": "field url must be a valid http(s) address",
    "kolom election: pemilihan '%(s)s' tidak dikenal": "field election: unknown election '%(s)s'",
    # reports/api.py: DRF's surrogate check, with a message in both languages
    "Teks berisi karakter surrogate U+{code_point:X} yang tidak sah; kirim teks Unicode yang utuh.":
        "The text holds an invalid surrogate character U+{code_point:X}; send whole Unicode text.",
}


def main():
    catalogue.write("en", {"PO-Revision-Date": "2025-01-01 00:00+0700"}, EN, format_marker="%(")


if __name__ == "__main__":
    main()
