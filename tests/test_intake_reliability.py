"""Intake under stress: concurrent identical submissions, and a broker outage during submit (committed transactions),
on Redis and on RabbitMQ (the production broker)."""
import contextlib
from urllib.parse import urlsplit, urlunsplit
import threading

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.models import Outbox
from reports.models import Report, ReportEvent, Reporter
from tests.brokers import BROKERS, celery_broker, rabbitmq_vhost, unreachable
from tests.test_intake_support import ensure_reference, fill_steps, intake_settings, random_ip

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.reliability]
__all__ = ["intake_settings"]


@pytest.fixture(autouse=True)
def _reference(intake_settings):
    ensure_reference()
    return intake_settings


def test_fifty_concurrent_identical_submissions_make_one_report():
    client = Client(REMOTE_ADDR=random_ip())
    fill_steps(client)
    token = client.session["report_draft"]["token"]
    cookie = client.cookies["sessionid"].value
    barrier, statuses, errors = threading.Barrier(50), [], []

    def press_submit():
        try:
            clone = Client(REMOTE_ADDR=random_ip())
            clone.cookies["sessionid"] = cookie
            barrier.wait()
            response = clone.post(reverse("reports:step", args=[4]),
                                  {"action": "submit", "confirm": "on", "form_token": token})
            statuses.append((response.status_code, response.get("Location")))
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=press_submit) for _i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert statuses == [(302, reverse("reports:receipt"))] * 50
    report = Report.objects.get()
    assert report.idempotency_key == token
    assert Reporter.objects.count() == 1 and ReportEvent.objects.filter(code="report.submitted").count() == 1
    assert Outbox.objects.count() == 1  # one PIN e-mail


def isolated_redis_url(url: str, db: int) -> str:
    """The same Redis server, another database: redis://h:p/3 -> redis://h:p/11; a socket URL takes virtual_host."""
    parts = urlsplit(url)
    if parts.scheme in ("redis", "rediss"):
        return urlunsplit((parts.scheme, parts.netloc, f"/{db}", parts.query, ""))
    return url + ("&" if "?" in url else "?") + f"virtual_host={db}"


def broker(url):
    """Broker and result store both at `url` (tests/test_api_intake.py uses it too)."""
    return celery_broker(url, result_backend=url)


@pytest.mark.parametrize("kind", BROKERS)
def test_broker_down_during_submit_keeps_the_report_and_sends_the_email_once_later(settings, kind):
    from cases.tasks import flush_outbox_task
    from celery.contrib.testing.worker import start_worker

    client = Client(REMOTE_ADDR=random_ip())
    fill_steps(client)
    with celery_broker(unreachable(kind)):  # nothing listens there: publishing fails
        response = client.post(reverse("reports:step", args=[4]), {
            "action": "submit", "confirm": "on", "form_token": client.session["report_draft"]["token"]})
    assert response.status_code == 302 and response.url == reverse("reports:receipt")
    report = Report.objects.get()
    row = Outbox.objects.get()
    assert row.sent_at is None and report.tracking_code_display in row.body
    assert mail.outbox == []

    # The broker is back (an isolated Redis database or RabbitMQ virtual host, so no other worker takes the task):
    # the beat's retry reaches a real worker, twice, and the e-mail goes out once.
    results = isolated_redis_url(settings.CELERY_RESULT_BACKEND, db=11)
    with contextlib.ExitStack() as stack:
        url = results if kind == "redis" else stack.enter_context(rabbitmq_vhost())
        app = stack.enter_context(celery_broker(url, result_backend=results))
        stack.enter_context(start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10))
        flush_outbox_task.delay().get(timeout=30)
        flush_outbox_task.delay().get(timeout=30)
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["siti@example.test"]
    assert report.tracking_code_display in mail.outbox[0].body
