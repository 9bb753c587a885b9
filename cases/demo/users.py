"""Demo users, one per role, with the agency and region each role works in."""
from django.contrib.auth.models import Group

from cases.models import Agency, LetterSigner, Region, Role, SigningMode, User

DEMO_USERS = [
    # username, role, agency code, region code, full name
    ("bawaslu.cilacap", Role.BAWASLU, "BAWASLU-33.01", "33.01", "Siti Rahmawati"),
    ("bawaslu.jateng", Role.BAWASLU, "BAWASLU-33", "33", "Agus Setiawan"),
    ("bawaslu.ri", Role.BAWASLU, "BAWASLU", "00", "Dewi Lestari"),
    ("analis.bkn", Role.ANALYST, "BKN", "00", "Rudi Hartono"),
    ("penyetuju.bkn", Role.APPROVER, "BKN", "00", "Bambang Supriyadi"),
    ("ppk.cilacap", Role.PPK_LIAISON, "PEMKAB-33.01", "33.01", "Yuliana Pratiwi"),
    ("bkn.data", Role.BKN, "BKN", "00", "Hendra Gunawan"),
    ("kemenpanrb", Role.KEMENPANRB, "KEMENPANRB", "00", "Rina Marlina"),
    ("kemendagri", Role.KEMENDAGRI, "KEMENDAGRI", "00", "Fajar Nugroho"),
    ("peninjau", Role.SCREENING, "BKN", "00", "Intan Permatasari"),
    ("auditor", Role.AUDITOR, "BAWASLU", "00", "Wahyu Hidayat"),
    ("admin", Role.ADMIN, "BKN", "00", "Administrator Sistem"),
]

# Each signing officer's recorded authority (demo values: positions as these agencies name them, NIPs invented).
DEMO_SIGNERS = {
    "bawaslu.cilacap": (SigningMode.HEAD, "Ketua Bawaslu Kabupaten Cilacap", "", ""),
    "bawaslu.jateng": (SigningMode.HEAD, "Ketua Bawaslu Provinsi Jawa Tengah", "", ""),
    "bawaslu.ri": (SigningMode.ON_BEHALF, "Kepala Biro Fasilitasi Penanganan Pelanggaran", "", "197503152000032001"),
    "penyetuju.bkn": (SigningMode.ON_BEHALF, "Deputi Bidang Pengawasan dan Pengendalian", "", "196904011996031001"),
    "bkn.data": (SigningMode.FOR_HIM, "Direktur Pengolahan Data dan Penyajian Informasi Kepegawaian",
                 "Deputi Bidang Sistem Informasi Kepegawaian", "197205121998031002"),
    "kemenpanrb": (SigningMode.ON_BEHALF, "Deputi Bidang Sumber Daya Manusia Aparatur", "", "196805101994031003"),
    "kemendagri": (SigningMode.ON_BEHALF, "Direktur Jenderal Otonomi Daerah", "", "196703101990011001"),
}


def ensure_demo_users(password: str) -> list[User]:
    users = []
    for username, role, agency_code, region_code, full_name in DEMO_USERS:
        first, _, last = full_name.partition(" ")
        user, created = User.objects.get_or_create(username=username, defaults={
            "first_name": first, "last_name": last, "email": f"{username}@demo.netralitas.local",
            "agency": Agency.objects.get(code=agency_code), "region": Region.objects.get(code=region_code),
            "is_staff": role == Role.ADMIN, "is_superuser": role == Role.ADMIN})
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(Group.objects.get(name=role))
        if username in DEMO_SIGNERS:
            mode, position, behalf, nip = DEMO_SIGNERS[username]
            LetterSigner.objects.get_or_create(user=user, defaults={
                "mode": mode, "position": position, "behalf_position": behalf, "nip": nip})
        users.append(user)
    return users
