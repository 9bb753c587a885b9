"""Nothing about an anonymous reporter in any log (issue 28, point 3).

gunicorn with `make run`'s configuration (kasn_cases/gunicorn_conf.py) and a Celery worker started as `make run`
starts it serve a real anonymous report through the public form and the tracking page, from a browser with a
user agent no one else has, with the application's logs at INFO (DEBUG off, static files collected and served by
WhiteNoise, as make run serves them). Afterwards that user agent is in none of their
output and in no file under var/, the access log has no client address, and the report row holds neither.
"""
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection

from reports.models import Report
from tests.test_intake_support import ensure_reference, event_step, reporter_step, respondent_step

pytestmark = pytest.mark.django_db(transaction=True)
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(port: int, tmp_path) -> dict:
    db = connection.settings_dict  # the test database, so the server sees what this test commits
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    socket_dir = db["OPTIONS"].get("host", "")  # the embedded server of a local `make test` (kasn_cases.embedded)
    if not db["HOST"] and socket_dir:
        url = f"postgresql://{db['USER']}:@/{db['NAME']}?host={socket_dir}"
    else:
        url = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env.update(KASN_EMBEDDED="1", HOST="127.0.0.1", PORT=str(port), WEB_WORKERS="1", WEB_THREADS="2",
               DATABASE_URL=url, LOG_LEVEL="INFO",
               REPORT_SUBMIT_RATE="10000/m", TRACKING_RATE="10000/m", STATIC_ROOT=str(tmp_path / "static"),
               DJANGO_SETTINGS_MODULE="kasn_cases.settings", PYTHONUNBUFFERED="1")
    return env


def _start(cmd, env, log_path):
    log = open(log_path, "wb")
    return subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=settings.BASE_DIR,
                            start_new_session=True), log


def _stop(proc):
    """SIGTERM to the main process: gunicorn and Celery shut down warmly (a running task finishes first)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _wait_up(base):
    for _ in range(120):
        try:
            if requests.get(base + "/health/", timeout=10).status_code < 500:
                return
        except requests.RequestException:  # not listening yet, or the worker still importing Django
            pass
        time.sleep(0.5)
    raise AssertionError("gunicorn did not start")


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def _report_anonymously(base, agent):
    browser = requests.Session()
    browser.headers["User-Agent"] = agent
    page = browser.get(base + "/lapor/")
    assert page.status_code == 200 and page.url.startswith(base), page.url  # plain HTTP, no redirect to https
    for step, data in ((1, reporter_step("anonymous")), (2, respondent_step()), (3, event_step())):
        url = f"{base}/lapor/langkah/{step}/"
        html = browser.get(url).text
        answer = browser.post(url, {**data, "csrfmiddlewaretoken": _csrf(html)}, allow_redirects=False)
        assert answer.status_code == 302, (step, answer.text[:2000])
    review = browser.get(base + "/lapor/langkah/4/").text
    token = re.search(r'name="form_token" value="([^"]+)"', review).group(1)
    sent = browser.post(base + "/lapor/langkah/4/", {"csrfmiddlewaretoken": _csrf(review), "form_token": token,
                                                      "action": "submit", "confirm": "on"}, allow_redirects=False)
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/lapor/selesai/"), sent.text[:2000]
    receipt = browser.get(base + "/lapor/selesai/")
    assert receipt.status_code == 200
    assert browser.get(base + "/lacak/").status_code == 200
    assert browser.get(base + "/lapor/tidak-ada/").status_code == 404


def _files_holding(folder: Path, needle: bytes) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        try:
            if path.is_file() and not path.is_symlink() and needle in path.read_bytes():
                found.append(str(path))
        except OSError:  # a socket, or a file the embedded servers keep for themselves
            continue
    return found


def test_an_anonymous_report_leaves_no_ip_or_user_agent_in_any_log(tmp_path):
    ensure_reference()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = _env(port, tmp_path)
    agent = f"Peramban-Uji/{secrets.token_hex(12)} (pelapor-anonim)"
    # as make run does before it starts gunicorn: with DEBUG off WhiteNoise serves only the collected files
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True,
                   cwd=settings.BASE_DIR)
    web, web_log = _start([str(BIN / "gunicorn"), "-c", "python:kasn_cases.gunicorn_conf", "kasn_cases.wsgi"], env,
                          tmp_path / "web.log")
    worker, worker_log = _start([str(BIN / "celery"), "-A", "kasn_cases", "worker", "-l", "warning", "-c", "1"], env,
                                tmp_path / "worker.log")
    try:
        _wait_up(base)
        for asset in ("css/app.css", "js/site.js", "vendor/htmx/htmx.min.js", "vendor/swagger-ui/swagger-ui-bundle.js"):
            assert requests.get(f"{base}/static/{asset}", timeout=10).status_code == 200, asset  # DEBUG off: WhiteNoise
        assert requests.get(base + "/api/v1/docs/", timeout=10).status_code == 200
        _report_anonymously(base, agent)
        time.sleep(2)  # let the worker take the tasks the report scheduled
    finally:
        _stop(web)
        _stop(worker)
        web_log.close()
        worker_log.close()
    output = (tmp_path / "web.log").read_text(errors="replace")
    worker_output = (tmp_path / "worker.log").read_text(errors="replace")
    assert '"POST /lapor/langkah/4/" 302' in output, output[-3000:]  # the access log is on, and this is its line
    access = [line for line in output.splitlines() if '"GET ' in line or '"POST ' in line]
    assert access and not [line for line in access if "127.0.0.1" in line], access
    assert agent not in output and agent not in worker_output
    assert _files_holding(Path(settings.BASE_DIR) / "var", agent.encode()) == []
    report = Report.objects.get(anonymity="anonymous")
    assert report.submitted_ip is None and report.submitted_user_agent == ""
