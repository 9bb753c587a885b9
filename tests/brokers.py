"""The brokers the reliability tests run on: Redis (make run, make test) and RabbitMQ (the production broker).

Each RabbitMQ test gets a virtual host of its own, created and deleted around it, so a parallel run on the same
server can neither take its messages nor leave any behind. RABBITMQ_URL names the server (.ci/run exports it).
"""
import contextlib
import os
import socket
import subprocess
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import require_service, reset_celery_connections

RABBITMQ_URL = os.environ.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")
BROKERS = ["redis", "rabbitmq"]


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port or 5672), timeout=2).close()
        return True
    except OSError:
        return False


def with_vhost(url: str, vhost: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + vhost, parts.query, ""))


@contextlib.contextmanager
def rabbitmq_vhost():
    """amqp URL of a fresh virtual host on the RabbitMQ server (rabbitmqctl on this machine), deleted afterwards."""
    require_service(f"RabbitMQ ({RABBITMQ_URL})", _reachable(RABBITMQ_URL))
    vhost = f"kasn-test-{uuid.uuid4().hex[:10]}"
    user = urlsplit(RABBITMQ_URL).username or "guest"
    subprocess.run(["rabbitmqctl", "-q", "add_vhost", vhost], check=True, capture_output=True)
    try:
        subprocess.run(["rabbitmqctl", "-q", "set_permissions", "-p", vhost, user, ".*", ".*", ".*"], check=True,
                       capture_output=True)
        yield with_vhost(RABBITMQ_URL, vhost)
    finally:
        subprocess.run(["rabbitmqctl", "-q", "delete_vhost", vhost], check=False, capture_output=True)


def unreachable(kind: str) -> str:
    """A broker URL where nothing listens: publishing fails as in an outage."""
    return "redis://127.0.0.1:1/0" if kind == "redis" else "amqp://guest:guest@127.0.0.1:1//"


@contextlib.contextmanager
def celery_broker(broker_url, result_backend=None):
    """Point this process's Celery app at another broker (and result store) for the duration."""
    from kasn_cases.celery import app

    old = (app.conf.broker_url, app.conf.result_backend, app.conf.broker_transport_options)

    def reset():
        # kombu keeps producer pools in a global registry too: without dropping them a later test acquires from a
        # pool closed here ("Acquire on closed pool"), which once failed the killed-worker test on Redis in CI.
        reset_celery_connections()
        app._local.__dict__.pop("backend", None)  # the result store is cached per thread

    app.conf.broker_url = broker_url
    app.conf.result_backend = result_backend or old[1]
    reset()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.result_backend, app.conf.broker_transport_options = old
        reset()


@pytest.fixture(params=BROKERS)
def broker_kind(request):
    return request.param
