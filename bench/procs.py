"""Helpers the HTTP benchmarks share."""
import subprocess


def server_cpu_seconds(proc: subprocess.Popen) -> float:
    """User + system CPU of gunicorn's master and workers so far (PostgreSQL, Redis and wrk not included)."""
    import psutil

    total = 0.0
    parent = psutil.Process(proc.pid)
    for p in [parent, *parent.children(recursive=True)]:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total
