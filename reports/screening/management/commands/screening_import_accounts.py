"""Import the ASN account registry from a CSV (platform, handle, nip, name, agency_code)."""
from django.core.management.base import BaseCommand, CommandError

from cases.models import User
from reports.screening.services.accounts import accounts_import
from reports.screening.services.common import ScreeningError
from reports.screening.services.rows import open_text, read_rows


class Command(BaseCommand):
    help = "Impor daftar akun ASN dari CSV: platform, handle, nip, name, agency_code"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--by", help="nama pengguna peninjau yang tercatat sebagai pemverifikasi")

    def handle(self, *args, file, by=None, **options):
        actor = User.objects.filter(username=by).first() if by else \
            User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None or not actor.has_perm("screening.review"):
            raise CommandError("Perlu pengguna peninjau penapisan atau administrator (--by NAMA).")
        try:
            with open_text(file) as fh:
                result = accounts_import(actor=actor, rows=read_rows(fh, file))
        except ScreeningError as exc:
            raise CommandError(str(exc))
        for error in result.errors:
            self.stderr.write(str(error))
        self.stdout.write(f"Akun: {result.created} baru, {result.existing} diperbarui, {len(result.errors)} baris ditolak.")
