"""Register import benchmark (issue #27): rows per second of the dry run and of the import of a 10,000-row file.

    python -m bench.bench_import

``run()`` returns a list of ``{"name", "value", "unit", "target", "met"}``. The file is the team-made sample
register (reports.registers.sample), every row a new report, so the import writes 10,000 reports through
report_submit with their events and register entries. Everything runs in one transaction that is rolled back at
the end: the bench database keeps nothing. Wall-clock time, one process: on a loaded machine the figures drop.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasn_cases.settings")

N_ROWS = 10_000
DRY_RUN_TARGET = 1_000  # rows/s: a 10,000-row register checked in 10 s while the administrator waits
IMPORT_TARGET = 100  # rows/s: the worker imports it in under 2 minutes


class _Rollback(Exception):
    pass


def _admin():
    from django.contrib.auth.models import Group

    from cases.models import Region, Role, User

    user = User.objects.filter(groups__name=Role.ADMIN, is_active=True).first()
    if user is None:  # made inside the rolled-back transaction
        user = User.objects.create(username="bench_import_admin", region=Region.objects.get(code="00"))
        user.groups.add(Group.objects.get(name=Role.ADMIN))
    return User.objects.get(pk=user.pk)


def _measure(n_rows: int) -> tuple[float, float, dict]:
    from django.db import transaction

    from cases.models import ElectionPeriod
    from reports.registers import sample, services
    from reports.registers.models import RegisterSource

    data = sample.to_csv(sample.BAWASLU_HEADERS, [sample.bawaslu_row(i) for i in range(n_rows)])
    out = {}
    try:
        with transaction.atomic():
            actor = _admin()
            source = RegisterSource.objects.get(code="bawaslu")
            source.mapping = dict(zip(("reference", "respondent_name", "respondent_nip", "respondent_position",
                                       "respondent_agency", "region", "occurred_on", "received_on", "place",
                                       "description", "kind", "reporter_name"), sample.BAWASLU_HEADERS))
            source.save()
            started = time.perf_counter()
            imp = services.import_upload(actor=actor, source=source, name="bench.csv", data=data,
                                         election=ElectionPeriod.objects.get(slug="pilkada-2024"))
            out["dry"] = time.perf_counter() - started
            services.import_start(actor=actor, register_import=imp)
            started = time.perf_counter()
            imp = services.import_run(register_import_id=imp.pk)
            out["run"] = time.perf_counter() - started
            out["counts"] = imp.counts
            raise _Rollback
    except _Rollback:
        pass
    return out["dry"], out["run"], out["counts"]


def run(n_rows: int = N_ROWS) -> list[dict]:
    import django

    django.setup()
    dry, real, counts = _measure(n_rows)
    if counts.get("create") != n_rows:
        raise AssertionError(f"expected {n_rows} new reports, the import planned {counts}")
    dry_rate, real_rate = n_rows / dry, n_rows / real
    return [
        {"name": f"register dry run, {n_rows:,}-row CSV", "value": round(dry_rate, 1), "unit": "rows/s",
         "target": DRY_RUN_TARGET, "met": dry_rate >= DRY_RUN_TARGET},
        {"name": f"register import, {n_rows:,}-row CSV", "value": round(real_rate, 1), "unit": "rows/s",
         "target": IMPORT_TARGET, "met": real_rate >= IMPORT_TARGET},
    ]


if __name__ == "__main__":
    for r in run(int(sys.argv[1]) if len(sys.argv) > 1 else N_ROWS):
        print(f"{r['name']:40s} {r['value']:>10,.1f} {r['unit']}  target {r['target']:,}  "
              f"{'OK' if r['met'] else 'MISSED'}")
