"""The register import run by a real Celery worker (Redis broker, a queue of its own): the page's status follows it
to the end, all rows land once, and the same file queued again changes nothing."""
import time
import uuid

import pytest
from django.conf import settings
from django.urls import reverse

from kasn_cases.celery import app as celery_app
from reports.models import Report, ReportEvent
from reports.registers import sample, services
from reports.registers.models import ImportStatus, RegisterImport, RegisterSource
from tests.brokers import celery_broker
from tests.test_registers import BAWASLU_MAPPING
from tests.test_screening_reliability import Worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.reliability]
N_ROWS = 600


@pytest.fixture
def worker(redis_client, tmp_path):
    queue = f"registers-test-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = queue
    w = Worker(queue, tmp_path / "worker.log")
    try:
        with celery_broker(settings.CELERY_BROKER_URL):
            w.start()
            yield w
    finally:
        celery_app.conf.task_default_queue = previous
        w.stop()
        redis_client.delete(queue)


def _import_through_worker(client, admin, data, worker) -> tuple[RegisterImport, list[int]]:
    from cases.models import ElectionPeriod

    imp = services.import_upload(actor=admin, source=RegisterSource.objects.get(code="bawaslu"), name="r.csv",
                                 data=data, election=ElectionPeriod.objects.get(slug="pilkada-2024"))
    assert imp.status == ImportStatus.CHECKED
    assert client.post(reverse("registers:run", args=[imp.pk])).status_code == 302
    seen, deadline = [], time.monotonic() + 240  # a guard against a hung worker, not a timing assertion
    while time.monotonic() < deadline:
        state = client.get(reverse("registers:status", args=[imp.pk])).json()
        seen.append(state["percent"])
        if state["state"] in ("done", "failed"):
            return RegisterImport.objects.get(pk=imp.pk), seen
        time.sleep(0.1)
    raise AssertionError(f"the worker did not finish the import\n{worker.log_tail()}")


def test_a_real_worker_imports_the_register_with_progress_and_once(client, administrator, worker):
    RegisterSource.objects.filter(code="bawaslu").update(mapping=BAWASLU_MAPPING)
    client.force_login(administrator)
    data = sample.to_csv(sample.BAWASLU_HEADERS, [sample.bawaslu_row(i) for i in range(N_ROWS)])
    imp, seen = _import_through_worker(client, administrator, data, worker)
    assert imp.status == ImportStatus.DONE, imp.error + worker.log_tail()
    assert seen == sorted(seen) and seen[-1] == 100  # the bar only moves forward, and ends full
    assert Report.objects.count() == N_ROWS == ReportEvent.objects.filter(code="report.imported").count()
    events = ReportEvent.objects.count()
    again, _seen = _import_through_worker(client, administrator, data, worker)
    assert again.counts["unchanged"] == N_ROWS and Report.objects.count() == N_ROWS
    assert ReportEvent.objects.count() == events
