"""Load reference data from cases/data/*.csv (idempotent: upsert on natural keys)."""
import csv
import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import transaction

from cases.deadlines import holidays_of_year
from cases.models import (
    Agency, DeadlineRule, ElectionPeriod, ElectionStage, EmployeeRegime, EscalationStep, Holiday, LegalBasis,
    Letterhead, Region, SanctionType, SupervisoryBody, ViolationType,
)

DATA = Path(__file__).resolve().parents[2] / "data"
HOLIDAY_YEARS = range(2019, 2031)


def rows(name):
    with open(DATA / name, newline="", encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


def date_or_none(value):
    return dt.date.fromisoformat(value) if value else None


def boolean(value):
    return str(value).strip().lower() in {"1", "true", "yes", "ya"}


class Command(BaseCommand):
    help = "Memuat data referensi (wilayah, instansi, pemilihan, katalog pelanggaran, sanksi, tenggat, hari libur)."

    @transaction.atomic
    def handle(self, *args, **options):
        counts = {
            "wilayah": self.load_regions(),
            "instansi": self.load_agencies(),
            "lembaga pengawas": self.load_supervisory(),
            "pemilihan": self.load_elections(),
            "jenis pelanggaran": self.load_violations(),
            "jenis sanksi": self.load_sanctions(),
            "peraturan disiplin": self.load_regimes(),
            "langkah eskalasi": self.load_escalation(),
            "aturan tenggat": self.load_deadlines(),
            "hari libur": self.load_holidays(),
            "dasar hukum surat": self.load_legal_bases(),
            "kop surat": self.load_letterheads(),
        }
        self.stdout.write("Data referensi dimuat: " + ", ".join(f"{k} {v}" for k, v in counts.items()))

    def load_regions(self):
        by_code = {}
        for row in rows("regions.csv"):
            region, _ = Region.objects.update_or_create(
                code=row["code"], defaults={"name": row["name"], "level": row["level"],
                                            "parent": by_code.get(row["parent_code"])})
            by_code[region.code] = region
        return len(by_code)

    def load_agencies(self):
        regions = {r.code: r for r in Region.objects.all()}
        all_rows = list(rows("agencies.csv"))
        for row in all_rows:
            Agency.objects.update_or_create(code=row["code"], defaults={
                "name": row["name"], "short_name": row["short_name"], "kind": row["kind"],
                "region": regions.get(row["region_code"]), "ppk_title": row["ppk_title"],
                "valid_from": date_or_none(row["valid_from"]), "valid_to": date_or_none(row["valid_to"]),
                "legal_basis": row["legal_basis"]})
        agencies = {a.code: a for a in Agency.objects.all()}
        for row in all_rows:
            if row["parent_code"]:
                Agency.objects.filter(code=row["code"]).update(parent=agencies[row["parent_code"]])
        return len(all_rows)

    def load_supervisory(self):
        n = 0
        for n, row in enumerate(rows("supervisory_bodies.csv"), 1):
            SupervisoryBody.objects.update_or_create(code=row["code"], defaults={
                "name": row["name"], "agency": Agency.objects.filter(code=row["agency_code"]).first(),
                "valid_from": date_or_none(row["valid_from"]), "valid_to": date_or_none(row["valid_to"]),
                "legal_basis": row["legal_basis"], "certainty": row["certainty"]})
        return n

    def load_elections(self):
        n = 0
        for n, row in enumerate(rows("elections.csv"), 1):
            ElectionPeriod.objects.update_or_create(slug=row["slug"], defaults={
                "name": row["name"], "election_type": row["election_type"],
                "voting_date": date_or_none(row["voting_date"]), "starts_on": date_or_none(row["starts_on"]),
                "ends_on": date_or_none(row["ends_on"]), "region_scope": row["region_scope"]})
        elections = {e.slug: e for e in ElectionPeriod.objects.all()}
        for row in rows("election_stages.csv"):
            ElectionStage.objects.update_or_create(
                election=elections[row["election_slug"]], slug=row["slug"],
                defaults={"name": row["name"], "starts_on": date_or_none(row["starts_on"]),
                          "ends_on": date_or_none(row["ends_on"]), "note": row.get("note", "")})
        return n

    def load_violations(self):
        all_rows = list(rows("violation_types.csv"))
        for row in all_rows:
            ViolationType.objects.update_or_create(code=row["code"], defaults={
                "name_id": row["name_id"], "name_en": row["name_en"], "social_media": boolean(row["social_media"]),
                "ethics_default": row["ethics_default"], "discipline_default": row["discipline_default"],
                "criminal_basis": row["criminal_basis"], "legal_basis": row["basis"], "certainty": row["certainty"],
                "phase": row["phase"], "election_types": row["election_types"],
                "valid_from": date_or_none(row["valid_from"]), "valid_to": date_or_none(row["valid_to"])})
        codes = {v.code: v for v in ViolationType.objects.all()}
        for row in all_rows:
            if row["parent_code"]:
                ViolationType.objects.filter(code=row["code"]).update(parent=codes[row["parent_code"]])
        return len(all_rows)

    def load_sanctions(self):
        n = 0
        for n, row in enumerate(rows("sanction_types.csv"), 1):
            SanctionType.objects.update_or_create(code=row["code"], defaults={
                "name_id": row["name_id"], "name_en": row["name_en"], "category": row["category"],
                "level": row["level"], "employee_type": row["employee_type"], "legal_basis": row["basis"],
                "valid_from": date_or_none(row["valid_from"]), "valid_to": date_or_none(row["valid_to"]),
                "certainty": row["certainty"]})
        return n

    def load_regimes(self):
        n = 0
        for n, row in enumerate(rows("employee_regimes.csv"), 1):
            EmployeeRegime.objects.update_or_create(
                employee_type=row["employee_type"], valid_from=date_or_none(row["valid_from"]),
                defaults={"regulation": row["regulation"], "legal_basis": row["basis"],
                          "valid_to": date_or_none(row["valid_to"]), "certainty": row["certainty"]})
        return n

    def load_escalation(self):
        n = 0
        for n, row in enumerate(rows("escalation_steps.csv"), 1):
            EscalationStep.objects.update_or_create(code=row["code"], defaults={
                "order": int(row["order"]), "action": row["action"], "min_working_days": int(row["min_working_days"]),
                "next_actor": row["next_actor"], "clock": row["clock"], "legal_basis": row["basis"],
                "certainty": row["certainty"], "valid_from": date_or_none(row["valid_from"]),
                "valid_to": date_or_none(row["valid_to"])})
        return n

    def load_deadlines(self):
        n = 0
        for row in rows("deadline_rules.csv"):
            if not row["length"]:
                continue  # no statutory length found: nothing to count, only monitored
            n += 1
            DeadlineRule.objects.update_or_create(
                code=row["code"], election_type=row["election_type"], valid_from=date_or_none(row["valid_from"]),
                defaults={"length": int(row["length"]), "unit": row["unit"], "start_event": row["start_event"],
                          "legal_basis": row["legal_basis"], "certainty": row["certainty"],
                          "valid_to": date_or_none(row["valid_to"]), "note": row.get("note", "")})
        return n

    def load_holidays(self):
        """National holidays and cuti bersama from `holidays`, plus the repo's extra rows.

        Existing rows are left as officers edited them: only missing dates are added.
        """
        wanted = {row["date"]: (row["name"], row["cuti_bersama"], "holidays")
                  for year in HOLIDAY_YEARS for row in holidays_of_year(year)}
        for row in rows("holidays_extra.csv"):
            wanted[dt.date.fromisoformat(row["date"])] = (row["name"], boolean(row["cuti_bersama"]), "cases/data")
        existing = set(Holiday.objects.filter(region__isnull=True).values_list("date", flat=True))
        Holiday.objects.bulk_create([
            Holiday(date=day, name=name[:200], cuti_bersama=cuti, source=source)
            for day, (name, cuti, source) in sorted(wanted.items()) if day not in existing])
        return Holiday.objects.count()

    def load_legal_bases(self):
        n = 0
        for n, row in enumerate(rows("legal_bases.csv"), 1):
            LegalBasis.objects.update_or_create(code=row["code"], defaults={
                "topic": row["topic"], "citation": row["citation"], "conduct": row["conduct"],
                "election_type": row["election_type"], "employee_type": row["employee_type"],
                "letter_kinds": row["letter_kinds"], "order": int(row["order"] or 0),
                "valid_from": date_or_none(row["valid_from"]), "valid_to": date_or_none(row["valid_to"]),
                "legal_basis": row["source"], "source": row["source"], "certainty": row["certainty"]})
        return n

    def load_letterheads(self):
        """Starting letterheads; a row an administrator has already entered is left as it is."""
        agencies = {a.code: a for a in Agency.objects.filter(code__in=[r["agency_code"] for r in rows("letterheads.csv")])}
        for row in rows("letterheads.csv"):
            if row["agency_code"] in agencies:
                Letterhead.objects.get_or_create(agency=agencies[row["agency_code"]], defaults={
                    "address": row["address"], "phone": row["phone"], "website": row["website"],
                    "email": row["email"], "source": row["source"], "certainty": row["certainty"]})
        return Letterhead.objects.count()
