"""Issue an API token for a partner system and print its key once (only its hash is stored)."""
from django.core.management.base import BaseCommand, CommandError

from cases.api.auth import api_token_issue
from cases.models import Agency, Region, Role


class Command(BaseCommand):
    help = "Terbitkan token API untuk sebuah instansi; kunci dicetak sekali dan tidak dapat ditampilkan lagi."

    def add_arguments(self, parser):
        parser.add_argument("--agency", required=True, help="kode instansi, mis. BAWASLU-33.01")
        parser.add_argument("--name", required=True, help="nama klien, mis. 'SIGAP Bawaslu Cilacap'")
        parser.add_argument("--role", default=Role.BAWASLU, choices=[r for r in Role.values if r != Role.ADMIN])
        parser.add_argument("--region", help="kode wilayah (bawaan: wilayah instansi)")
        parser.add_argument("--rate", default="", help="batas laju, mis. 600/min (bawaan: API_CLIENT_RATE)")

    def handle(self, *args, agency, name, role, region=None, rate="", **options):
        found = Agency.objects.filter(code=agency).first()
        if found is None:
            raise CommandError(f"Instansi \u201c{agency}\u201d tidak dikenal.")
        where = None
        if region:
            where = Region.objects.filter(code=region).first()
            if where is None:
                raise CommandError(f"Wilayah \u201c{region}\u201d tidak dikenal.")
        if not (where or found.region):
            raise CommandError("Instansi ini tidak memiliki wilayah: sebutkan --region.")
        token, key = api_token_issue(actor=None, name=name, agency=found, region=where, role=role, throttle_rate=rate)
        self.stderr.write(f"Token \u201c{token.name}\u201d ({role}, {token.agency.code}, wilayah {token.region.code}) "
                          "diterbitkan. Simpan kunci ini sekarang; kunci tidak akan ditampilkan lagi:")
        self.stdout.write(key)
