"""Breach-notice support (UU 27/2022 Pasal 46): whose personal data one account or API token saw or downloaded
in a time window, as CSV, from the access record."""
import csv
import datetime as dt
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import timezone

from cases.models import AccessRecord, ApiToken, User
from reports.privacy.selectors import persons_seen

COLUMNS = ["kind", "object_id", "person", "contact", "times", "first", "last", "users"]


class Command(BaseCommand):
    help = ("Daftar orang yang datanya dilihat atau diunduh oleh satu pengguna (--user) atau token API (--token) "
            "dalam rentang waktu, sebagai CSV, untuk pemberitahuan 3 x 24 jam.")

    def add_arguments(self, parser):
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--user", help="nama login pengguna")
        who.add_argument("--token", help="nama token API atau awalan kuncinya")
        parser.add_argument("--from", dest="start", required=True, help="awal (ISO 8601, mis. 2026-12-01T00:00)")
        parser.add_argument("--to", dest="end", required=True, help="akhir, tidak termasuk (ISO 8601)")
        parser.add_argument("--output", help="berkas CSV (bawaan: keluaran standar)")

    def handle(self, *args, user=None, token=None, start=None, end=None, output=None, **options):
        account = self._account(user, token)
        start, end = self._time("--from", start), self._time("--to", end)
        if end <= start:
            raise CommandError("--to harus sesudah --from.")
        records = list(AccessRecord.objects.filter(user=account, at__gte=start, at__lt=end).select_related("user"))
        rows = persons_seen(records)
        out = open(output, "w", newline="", encoding="utf-8") if output else sys.stdout
        try:
            writer = csv.writer(out)
            writer.writerow(COLUMNS)
            for row in rows:
                writer.writerow([row["kind"], row["object_id"], row["person"], row["contact"], row["times"],
                                 row["first"].isoformat(), row["last"].isoformat(), " ".join(row["users"])])
        finally:
            if output:
                out.close()
        self.stderr.write(f"{len(rows)} orang/objek dari {len(records)} catatan akses oleh {account.username} "
                          f"({start:%Y-%m-%d %H:%M} s.d. {end:%Y-%m-%d %H:%M}).")

    @staticmethod
    def _account(username, token):
        if username:
            found = User.objects.filter(username=username).first()
            if found is None:
                raise CommandError(f"--user: pengguna «{username}» tidak ada.")
            return found
        matches = list(ApiToken.objects.select_related("user").filter(Q(name=token) | Q(prefix=token)))
        if len(matches) != 1:
            raise CommandError(f"--token: «{token}» tidak cocok dengan tepat satu token API "
                               f"({len(matches)} cocok; gunakan nama token atau awalan kuncinya).")
        return matches[0].user

    @staticmethod
    def _time(option, raw):
        try:
            when = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise CommandError(f"{option}: «{raw}» bukan tanggal/jam ISO 8601 (mis. 2026-12-01T08:00).") from None
        return timezone.make_aware(when) if timezone.is_naive(when) else when
