"""Apply the retention schedule now (`--dry-run`: only count what would be removed, per class of data)."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports.privacy.models import DataClass
from reports.privacy.retention import retention_apply, retention_plan


class Command(BaseCommand):
    help = "Menerapkan jadwal retensi data pribadi (--dry-run: hanya menghitung yang akan dihapus/dianonimkan)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="hitung saja, tidak mengubah apa pun")
        parser.add_argument("--now", help="hitung seolah-olah pada waktu ini (ISO 8601), untuk memeriksa jadwal")

    def handle(self, *args, dry_run=False, now=None, **options):
        when = self._when(now)
        counts = retention_plan(now=when) if dry_run else retention_apply(now=when)
        labels = dict(DataClass.choices)
        self.stdout.write(("Uji coba (tidak ada yang diubah)" if dry_run else "Diterapkan") + f" pada {when:%Y-%m-%d %H:%M}:")
        for data_class, n in counts.items():
            self.stdout.write(f"  {data_class:24} {n:6d}  {labels.get(data_class, '')}")
        self.stdout.write(f"  {'jumlah':24} {sum(counts.values()):6d}")

    @staticmethod
    def _when(raw):
        if not raw:
            return timezone.now()
        try:
            when = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise CommandError(f"--now: «{raw}» bukan tanggal/jam ISO 8601 (mis. 2030-01-31T08:00).") from None
        return timezone.make_aware(when) if timezone.is_naive(when) else when
