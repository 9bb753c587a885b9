"""Print the demo logins, one per role."""
from django.conf import settings
from django.core.management.base import BaseCommand

from cases.demo.users import DEMO_USERS
from cases.models import Role


class Command(BaseCommand):
    help = "Menampilkan akun demo per peran."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo-netralitas-2026")
        parser.add_argument("--reporter-code", dest="code", default="")
        parser.add_argument("--reporter-pin", dest="pin", default="")

    def handle(self, *args, password, code="", pin="", **options):
        self.stdout.write("  Akun demo (kata sandi untuk semua: %s):" % password)
        for username, role, agency, region, name in DEMO_USERS:
            two_step = "  [verifikasi dua langkah]" if role in settings.OTP_REQUIRED_ROLES else ""
            self.stdout.write(f"    {username:<18} {Role(role).label} ({agency}){two_step}")
        self.stdout.write("  [verifikasi dua langkah]: saat pertama masuk, daftarkan aplikasi autentikator (kode QR) "
                          "dan simpan kode pemulihannya.")
        # The demo reporter conversation (reports.demo_stories): cases does not import reports, the caller passes it.
        if code:
            self.stdout.write(f"  Pelapor demo: /lacak/ kode {code}, PIN {pin} (percakapan dengan Bawaslu Cilacap)")
