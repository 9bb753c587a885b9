"""Demo users (one per role) and realistic demo cases, bulk-inserted with COPY."""
import time

from django.core.management.base import BaseCommand

from cases.demo.generate import Generator
from cases.demo.users import ensure_demo_users
from cases.models import Case

DEFAULT_PASSWORD = "demo-netralitas-2026"


class Command(BaseCommand):
    help = "Membuat pengguna demo dan N perkara demo (mis. --cases 1000000 untuk benchmark)."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=3000)
        parser.add_argument("--if-empty", action="store_true", help="lewati pembuatan perkara bila sudah ada perkara")
        parser.add_argument("--at-least", action="store_true", help="tambah hanya sampai jumlah perkara mencapai --cases")
        parser.add_argument("--password", default=DEFAULT_PASSWORD)
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, cases, if_empty, at_least, password, seed, **options):
        ensure_demo_users(password)
        existing = Case.objects.count()
        if if_empty and existing:
            self.stdout.write(f"Data demo sudah ada ({existing:,} perkara); tidak ada yang ditambahkan.")
            return
        wanted = max(0, cases - existing) if at_least else cases
        if not wanted:
            self.stdout.write(f"Sudah ada {existing:,} perkara.")
            return
        started = time.monotonic()
        Generator(seed=seed + existing).generate(wanted, stdout=self.stdout if wanted > 100000 else None)
        self.stdout.write(f"{wanted:,} perkara demo dibuat dalam {time.monotonic() - started:.1f} s.")
