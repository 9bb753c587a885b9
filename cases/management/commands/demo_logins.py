"""Print the demo logins, one per role."""
from django.core.management.base import BaseCommand

from cases.demo.users import DEMO_USERS
from cases.models import Role


class Command(BaseCommand):
    help = "Menampilkan akun demo per peran."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="demo-netralitas-2026")

    def handle(self, *args, password, **options):
        self.stdout.write("  Akun demo (kata sandi untuk semua: %s):" % password)
        for username, role, agency, region, name in DEMO_USERS:
            self.stdout.write(f"    {username:<18} {Role(role).label} ({agency})")
