"""`make run`: start services, migrate, load data, run web + worker + beat until Ctrl-C."""
import os
import signal
import subprocess
import sys
import time

from kasn_cases import embedded

DEMO_PASSWORD = "demo-netralitas-2026"


def prepare(demo_cases: str):
    """Migrate and load data in one Django process (each separate command would pay start-up again)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasn_cases.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_reference")
    call_command("screening_load_lexicon")
    call_command("load_demo", if_empty=True, cases=int(demo_cases))
    call_command("screening_load_demo", if_empty=True)
    call_command("letters_test_pki")  # TEST certificates under var/pki (LETTER_SIGNING_TEST_CA; never in production)
    call_command("refresh_stats")
    call_command("collectstatic", interactive=False, verbosity=0)
    from django.db import connections

    connections.close_all()


def start(cmd):
    # Own process group per child so Ctrl-C reaches every grandchild too.
    return subprocess.Popen(cmd, start_new_session=True)


def main():
    os.environ.update(embedded.service_env())
    os.environ.setdefault("KASN_EMBEDDED", "1")  # children: local HTTP, no HTTPS redirect
    port = os.environ.get("PORT", "8000")
    prepare(os.environ.get("DEMO_CASES", "3000"))
    bin_dir = os.path.dirname(sys.executable)
    var = str(embedded.VAR)
    children = [
        start([f"{bin_dir}/gunicorn", "kasn_cases.wsgi", "-b", f"0.0.0.0:{port}", "-w", "2", "--threads", "4",
               "--access-logfile", "-", "--graceful-timeout", "5"]),
        start([f"{bin_dir}/celery", "-A", "kasn_cases", "worker", "-l", "warning", "-c", "2"]),
        start([f"{bin_dir}/celery", "-A", "kasn_cases", "beat", "-l", "warning", "-s", f"{var}/celerybeat-schedule"]),
    ]
    print(f"\n  Netralitas ASN berjalan di http://127.0.0.1:{port}/  (Ctrl-C untuk berhenti)\n")
    from django.core.management import call_command

    call_command("demo_logins", password=DEMO_PASSWORD)

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
