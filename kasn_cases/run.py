"""`make run`: start services, migrate, load data, run web + worker + beat until Ctrl-C."""
import os
import signal
import subprocess
import sys
import time

import django
from django.core.management import call_command
from django.db import connections

from kasn_cases import embedded

DEMO_PASSWORD = "demo-netralitas-2026"


def prepare(demo_cases: str):
    """Migrate and load data in one Django process (each separate command would pay start-up again)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasn_cases.settings")
    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference")
    call_command("screening_load_lexicon")
    call_command("load_demo", if_empty=True, cases=int(demo_cases))
    call_command("screening_load_demo", if_empty=True)
    call_command("letters_test_pki")  # TEST certificates under var/pki (LETTER_SIGNING_TEST_CA; never in production)
    call_command("load_demo_stories")  # real actions on past dates: letters, bells, messages, block requests (signed)
    call_command("refresh_stats")
    call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()


def start(cmd):
    # Own process group per child so Ctrl-C reaches every grandchild too.
    return subprocess.Popen(cmd, start_new_session=True)


def main():
    os.environ.update(embedded.service_env())
    os.environ.setdefault("KASN_EMBEDDED", "1")  # children: local HTTP, no HTTPS redirect
    # Safe by default: this machine only, DEBUG off (branded error pages, no URL list or traceback, WhiteNoise
    # serving the collected static files). HOST=0.0.0.0 to show it on a network (add its name to ALLOWED_HOSTS);
    # DEBUG=true for development.
    os.environ.setdefault("HOST", "127.0.0.1")
    os.environ.setdefault("DEBUG", "false")
    host, port = os.environ["HOST"], os.environ.setdefault("PORT", "8000")
    prepare(os.environ.get("DEMO_CASES", "3000"))
    bin_dir = os.path.dirname(sys.executable)
    var = str(embedded.VAR)
    children = [
        # bind, workers and an access log without client address or browser: kasn_cases/gunicorn_conf.py
        start([f"{bin_dir}/gunicorn", "-c", "python:kasn_cases.gunicorn_conf", "kasn_cases.wsgi"]),
        start([f"{bin_dir}/celery", "-A", "kasn_cases", "worker", "-l", "warning", "-c", "2"]),
        start([f"{bin_dir}/celery", "-A", "kasn_cases", "beat", "-l", "warning", "-s", f"{var}/celerybeat-schedule"]),
    ]
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"\n  Netralitas ASN berjalan di http://{shown}:{port}/  (Ctrl-C untuk berhenti)\n")
    from reports.demo_stories import DEMO_PIN, DEMO_TRACKING_CODE  # models: only after prepare() ran django.setup()

    call_command("demo_logins", password=DEMO_PASSWORD, code=f"{DEMO_TRACKING_CODE[:5]}-{DEMO_TRACKING_CODE[5:]}",
                 pin=DEMO_PIN)

    def stop(*_):
        for child in children:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.time() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    while all(child.poll() is None for child in children):
        time.sleep(1)
    print("Sebuah proses berhenti tak terduga; menghentikan semuanya.", file=sys.stderr)
    stop()


if __name__ == "__main__":
    main()
