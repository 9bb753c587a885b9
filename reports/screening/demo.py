"""Demo posts for a first run, so the screening queue, near-duplicate grouping and confirm/dismiss work at once.

Every post, account and regional candidate here is written by the team (no third-party text): partisan posts,
neutral political posts and everyday posts of invented civil-servant accounts over three elections, one campaign
message copied by many accounts (a near-duplicate group), three posts whose message is only in a generated
screenshot (read by OCR), and a few accounts registered to invented civil servants.
Pemilu pairs are named as the public record has them; the Pilkada 2024 races and their pairs are invented and come
from demo_data/candidates_pilkada_2024.csv, imported as an official candidate list would be.
"""
import datetime as dt
import random
from pathlib import Path

from cases.models import Agency, ElectionPeriod
from reports.screening.services.accounts import account_register
from reports.screening.services.candidates import candidates_import
from reports.screening.models import Post
from reports.screening.ocr_samples import png, render_phone
from reports.screening.services.images import post_image_attach
from reports.screening.services.ingest import posts_import
from reports.screening.services.runs import scoring_run_create
from reports.screening.services.scoring import chunk_process

CANDIDATE_LIST = Path(__file__).resolve().parent / "demo_data" / "candidates_pilkada_2024.csv"
SEED = 2026

PAIRS = {
    "pemilu-2019": [("01", "Jokowi-Ma'ruf", "Jokowi", "#JokowiLagi"), ("02", "Prabowo-Sandi", "Prabowo", "#PrabowoSandi")],
    "pemilu-2024": [("01", "Anies-Muhaimin", "AMIN", "#AMIN2024"), ("02", "Prabowo-Gibran", "Prabowo", "#PrabowoGibran"),
                    ("03", "Ganjar-Mahfud", "Ganjar", "#GanjarMahfud")],
    "pilkada-2024": [("01", "Bambang Wiryawan-Sri Handayani", "Pak Bambang", "#SukamajuMaju"),
                     ("02", "Darmaji-Lestari Ningsih", "Darmaji", "#DarmajiLestari"),
                     ("01", "Yohanes Sitorus-Fadli Rahman", "Yohanes", "#TirtamulyaBersatu")],
}
WINDOWS = {"pemilu-2019": (dt.date(2019, 1, 5), dt.date(2019, 4, 13)),
           "pemilu-2024": (dt.date(2023, 11, 28), dt.date(2024, 2, 10)),
           "pilkada-2024": (dt.date(2024, 9, 25), dt.date(2024, 11, 23))}
VOTING = {"pemilu-2019": "17 April", "pemilu-2024": "14 Februari", "pilkada-2024": "27 November"}

PARTISAN = [
    "Ayo rekan-rekan, tanggal {day} coblos nomor {num}! {pair} untuk perubahan yang nyata {tag}",
    "Sebagai abdi negara saya yakin {pair} paling layak memimpin. Jangan salah pilih, nomor {num}!",
    "Programnya sudah jelas, {short} pasti menang satu putaran. Pilih {num}!",
    "Bapak ibu guru, mari dukung paslon {num} {pair} demi masa depan anak-anak kita",
    "Foto bareng relawan {pair} tadi sore, salam {num} jari {tag}",
    "Yang lain cuma janji, {short} sudah bukti. Pilih nomor {num} ya keluarga besar dinas",
    "Kumpul warga RT 05 malam ini sosialisasi visi misi {pair}, yang mau ikut kabari saya. Menangkan {num}!",
    "Gaji naik, jalan mulus, itu kerja {short}. Lanjutkan! {tag}",
    "Jangan pilih yang suka ingkar janji. Sudah saatnya {short} memimpin, coblos {num}",
    "Share sebanyak-banyaknya! {pair} nomor urut {num}, pilihan tepat untuk kita semua {tag}",
]
NEUTRAL = [
    "KPU menetapkan daftar pemilih tetap, cek nama kamu di situs resmi KPU sebelum {day}",
    "Debat kandidat malam ini membahas ekonomi dan lapangan kerja. Siapa pun pilihannya, jaga persatuan",
    "Pengingat untuk rekan ASN: wajib netral, jangan like, share, atau komentar unggahan kampanye",
    "Ayo ke TPS tanggal {day}, gunakan hak pilih dengan bijak dan jangan golput",
    "Bawaslu membuka posko pengaduan pelanggaran pemilihan di kantor kecamatan sampai akhir bulan",
    "Hasil hitung cepat baru boleh diumumkan setelah TPS ditutup, tunggu hasil resmi KPU",
    "Sosialisasi netralitas ASN hari ini di aula kantor bupati, diikuti seluruh kepala dinas",
    "Logistik pemilihan sudah tiba di gudang KPU kabupaten, pengamanan dijaga polisi dan TNI",
]
EVERYDAY = [
    "Alhamdulillah apel pagi di kantor berjalan lancar, semangat bekerja rekan-rekan",
    "Macet panjang di jalan lingkar pagi ini, ada perbaikan jembatan",
    "Resep sayur asem ala ibu, segar untuk makan siang keluarga",
    "Selamat ulang tahun untuk rekan kerja kami, semoga sehat dan makin sukses",
    "Pelayanan KTP elektronik di kecamatan buka sampai pukul 15.00, bawa fotokopi KK",
    "Hujan deras sejak subuh, hati-hati di jalan dan jangan lupa jas hujan",
    "Latihan voli bersama rekan kantor sore ini, kalah tipis tapi seru",
    "Jadwal posyandu bulan ini pindah ke balai desa, ibu-ibu mohon diperhatikan",
    "Panen cabai di kebun belakang rumah, lumayan buat sambal seminggu",
    "Terima kasih warga yang ikut kerja bakti membersihkan saluran air hari Minggu",
    "Anak-anak SD kami juara lomba baca puisi tingkat kecamatan, bangga sekali",
    "Promo pulsa dan paket data akhir bulan, cek aplikasi masing-masing ya",
]
CAMPAIGN_COPY = ("Pesan berantai untuk keluarga besar dinas: menangkan {pair} nomor urut {num} satu putaran! Hadir di "
                 "kampanye akbar Sabtu, pakai kaos nomor {num} {tag}")

ACCOUNTS = ["rina.guru_smp", "budi_dishub", "kang_asep.camat", "dewi_puskesmas", "yanto_bappeda", "sri.tu_sekolah",
            "andi_satpolpp", "lina_dinsos", "agus_kelurahan", "maya_disdik", "hendra.pupr", "tuti_bidan_desa",
            "fajar_dukcapil", "nur_perpustakaan", "joko_dishub2", "wulan_kominfo", "rahmat_bpbd", "citra_rsud",
            "eko_staf_kecamatan", "indah_dinkes", "bayu_pertanian", "sari_kpu_watch", "dodi_koperasi", "ayu_dpmptsp"]
# Accounts registered to invented civil servants of Kab. Cilacap (so a confirmed post reaches Bawaslu Cilacap).
REGISTERED = [("rina.guru_smp", "198703122010012004", "Rina Kartika"), ("budi_dishub", "198105062006041003",
              "Budi Prasetyo"), ("kang_asep.camat", "197612201998031002", "Asep Sutisna"),
              ("dewi_puskesmas", "199002142015032001", "Dewi Anggraini"), ("yanto_bappeda", "198411302009011005",
              "Suyanto"), ("maya_disdik", "199106082019032006", "Maya Sari")]
PLATFORMS = ["x", "facebook", "instagram", "tiktok"]
# Posts whose message is only in their image (a screenshot shared with a short caption): OCR reads it.
IMAGE_POSTS = [
    ("pemilu-2024", "Info dari grup sebelah, tolong disebarkan", "lina_dinsos",
     "Seluruh pegawai dinas wajib hadir kampanye akbar hari Sabtu. Coblos nomor urut 02 Prabowo-Gibran, menang satu "
     "putaran!"),
    ("pilkada-2024", "Sudah jelas pilihannya 👇", "agus_kelurahan",
     "Warga Sukamaju, mari dukung paslon 01 Bambang Wiryawan-Sri Handayani. Jangan salah pilih tanggal 27 November"),
    ("pemilu-2024", "Jadwal kegiatan minggu ini", "wulan_kominfo",
     "Rapat koordinasi kecamatan membahas jadwal posyandu dan kerja bakti bulan depan"),
]


def _platform(account: str) -> str:
    return PLATFORMS[ACCOUNTS.index(account) % len(PLATFORMS)]


def _moment(rng, slug) -> str:
    start, end = WINDOWS[slug]
    day = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
    return f"{day.isoformat()}T{rng.randrange(6, 23):02d}:{rng.randrange(60):02d}:00+07:00"


def _row(rng, n, slug, text, account=None, followers=None, election=True):
    account = account or rng.choice(ACCOUNTS)
    platform = _platform(account)
    return {"platform": platform, "post_id": f"demo-{n:04d}", "account": account,
            "url": f"https://{platform}.example/{account}/{n}", "text": text, "posted_at": _moment(rng, slug),
            "followers": followers if followers is not None else rng.choice([40, 120, 350, 800, 2500, 9000]),
            "likes": rng.randrange(0, 300), "shares": rng.randrange(0, 60),
            "election": slug if election else ""}


def demo_rows() -> list[dict]:
    """About 300 posts: per election, partisan, neutral and everyday posts; one copied campaign message."""
    rng, rows = random.Random(SEED), []
    for slug, pairs in PAIRS.items():
        for i in range(30):
            num, pair, short, tag = rng.choice(pairs)
            text = rng.choice(PARTISAN).format(day=VOTING[slug], num=num, pair=pair, short=short, tag=tag)
            rows.append(_row(rng, len(rows), slug, text, election=i % 3 != 0))  # a third without election
        for _i in range(22):
            rows.append(_row(rng, len(rows), slug, rng.choice(NEUTRAL).format(day=VOTING[slug])))
        for _i in range(28):
            rows.append(_row(rng, len(rows), slug, rng.choice(EVERYDAY), election=False))
    num, pair, _short, tag = PAIRS["pemilu-2024"][1]
    for account in ACCOUNTS[6:18]:  # one message forwarded by twelve accounts: reviewed once
        text = CAMPAIGN_COPY.format(pair=pair, num=num, tag=tag)
        rows.append(_row(rng, len(rows), "pemilu-2024", text if len(rows) % 2 else text + " Wajib!", account=account))
    for slug, caption, account, _image_text in IMAGE_POSTS:
        rows.append(_row(rng, len(rows), slug, caption, account=account, followers=1500))
    return rows


def screening_demo_load(*, reviewer) -> dict:
    """Import the demo candidate list, posts and accounts, and score them here (the queue is full at once)."""
    pilkada = ElectionPeriod.objects.get(slug="pilkada-2024")
    candidates_import(actor=None, election=pilkada, data=CANDIDATE_LIST.read_bytes(), name=CANDIDATE_LIST.name,
                      dry_run=False)
    rows = demo_rows()
    result = posts_import(rows=((i + 1, row, None) for i, row in enumerate(rows)))
    agency = Agency.objects.filter(code="PEMKAB-33.01").first()
    for handle, nip, name in REGISTERED:
        account_register(actor=reviewer, platform=_platform(handle), handle=handle, nip=nip, name=name, agency=agency)
    first_image = len(rows) - len(IMAGE_POSTS)
    for i, (_slug, _caption, account, image_text) in enumerate(IMAGE_POSTS):
        post = Post.objects.get(platform=_platform(account), post_id=rows[first_image + i]["post_id"])
        post_image_attach(actor=None, post=post, data=png(render_phone(image_text, account)), read_now=True)
    run = scoring_run_create(actor=reviewer, enqueue=False)
    for chunk_id in run.chunks.values_list("pk", flat=True) if run else ():
        chunk_process(chunk_id=chunk_id)
    return {"posts": result.created, "accounts": len(REGISTERED), "scored": run.total_posts if run else 0}
