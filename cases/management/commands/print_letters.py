"""Print issued letters in one merged PDF or a ZIP, with a progress bar (same batch as the web page)."""
import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from cases.letters.batch import FORMATS, batch_build, letters_for_batch
from cases.models import LetterKind


class Command(BaseCommand):
    help = "Cetak surat yang sudah terbit: satu PDF gabungan atau ZIP (mis. semua rekomendasi satu hari)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=LetterKind.values, help="jenis surat, mis. RECOMMENDATION")
        parser.add_argument("--date", help="tanggal terbit TTTT-BB-HH")
        parser.add_argument("--case-ids", default="", help="id perkara, dipisahkan koma")
        parser.add_argument("--format", choices=FORMATS, default="pdf")
        parser.add_argument("--out", required=True, help="berkas hasil")

    def handle(self, *args, kind=None, date=None, case_ids="", format="pdf", out=None, **options):
        try:
            day = dt.date.fromisoformat(date) if date else None
        except ValueError:
            raise CommandError(f"--date harus berformat TTTT-BB-HH, bukan {date!r}")
        try:
            ids = [int(x) for x in case_ids.replace(",", " ").split()]
        except ValueError:
            raise CommandError("--case-ids harus angka dipisahkan koma")
        letters = list(letters_for_batch(kind=kind, day=day, case_ids=ids).values_list("pk", flat=True))
        if not letters:
            raise CommandError("Tidak ada surat terbit yang cocok.")
        with tqdm(total=len(letters), unit="surat", file=self.stderr._out, disable=options["verbosity"] == 0) as bar:
            result = batch_build(letters, format, progress=lambda done, total: bar.update(done - bar.n))
        for failure in result.failures:
            self.stderr.write(f"GAGAL {failure['number'] or failure['letter']}: {failure['error']}")
        if not result.content:
            raise CommandError("Tidak ada surat yang dapat dicetak.")
        Path(out).write_bytes(result.content)
        self.stdout.write(f"{result.printed} surat ({result.pages} halaman) -> {out}; gagal: {len(result.failures)}")
