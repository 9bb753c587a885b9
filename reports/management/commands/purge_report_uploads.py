"""Delete evidence files uploaded to report drafts that were never submitted."""
from django.core.management.base import BaseCommand

from reports.evidence import purge_abandoned_uploads


class Command(BaseCommand):
    help = "Hapus berkas bukti dari draf laporan yang tidak pernah dikirim."

    def add_arguments(self, parser):
        parser.add_argument("--older-than-hours", type=int, default=48)

    def handle(self, *args, older_than_hours, **options):
        removed = purge_abandoned_uploads(older_than_hours=older_than_hours)
        self.stdout.write(f"{removed} berkas dihapus")
