"""Create the local TEST certification authority and one certificate per demo agency (`make run`)."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.letters import pki
from cases.models import Agency, User

DEMO_CODES = ("BKN", "KASN", "KEMENPANRB", "KEMENDAGRI", "BAWASLU")


class Command(BaseCommand):
    help = ("Membuat otoritas sertifikat UJI lokal (TEST \u2014 bukan sertifikat resmi) dan satu sertifikat per "
            "instansi demo di LETTER_SIGNING_DIR. Tidak untuk produksi.")

    def add_arguments(self, parser):
        parser.add_argument("--agency", action="append", default=[], help="kode instansi tambahan")

    def handle(self, *args, **options):
        if not settings.LETTER_SIGNING_TEST_CA:
            raise CommandError("LETTER_SIGNING_TEST_CA is off: production certificates come from the agency's CA.")
        directory = settings.LETTER_SIGNING_DIR
        pki.ca_ensure(directory)
        codes = {*DEMO_CODES, *options["agency"], *User.objects.exclude(agency=None).values_list("agency__code", flat=True)}
        made = 0
        for agency in Agency.objects.filter(code__in=codes):
            if not (directory / pki.p12_name(agency.code)).exists():
                pki.agency_certificate_issue(directory, agency.code, agency.name)
                made += 1
        self.stdout.write(f"Otoritas sertifikat UJI di {directory}: {made} sertifikat baru "
                          f"({pki.TEST_LABEL}); instansi lain mendapat sertifikat uji saat surat pertamanya terbit.")
