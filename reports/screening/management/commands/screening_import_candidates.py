"""Import an election's official candidate list (CSV or XLSX) into its lexicon; --dry-run checks without writing."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.screening.services.candidates import candidates_import
from reports.screening.services.common import ScreeningError, election_by_slug


class Command(BaseCommand):
    help = "Impor daftar calon resmi (CSV/XLSX) ke leksikon satu pemilihan; --dry-run hanya memeriksa"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--election", required=True, help="slug pemilihan, mis. pilkada-2024")
        parser.add_argument("--dry-run", action="store_true", help="periksa dan tampilkan hasilnya tanpa menyimpan")

    def handle(self, *args, **opts):
        path = Path(opts["file"])
        try:
            election = election_by_slug(opts["election"])
            data = path.read_bytes()
            result = candidates_import(actor=None, election=election, data=data, name=path.name,
                                       dry_run=opts["dry_run"])
        except OSError as exc:
            raise CommandError(f"Berkas {path} tidak dapat dibaca: {exc.strerror}")
        except ScreeningError as exc:
            raise CommandError(str(exc))
        for error in result.errors:
            self.stderr.write(str(error))
        verb = "akan ditambahkan" if result.dry_run else "ditambahkan"
        self.stdout.write(f"{result.pairs} pasangan; istilah {verb}: {result.count('new', False)}, usulan {verb}: "
                          f"{result.count('new', True)}, sudah ada: {result.count('existing')}; "
                          f"{len(result.errors)} baris ditolak.")
        if result.errors:
            raise CommandError("Tidak ada yang disimpan: perbaiki baris yang ditolak lalu impor lagi.")
