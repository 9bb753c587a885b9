"""Gunicorn settings for `make run` and production: `gunicorn -c python:kasn_cases.gunicorn_conf kasn_cases.wsgi`.

The access log holds no client address (%(h)s), no browser (%(a)s), no referrer and no query string: an anonymous
reporter was promised that no IP address or browser data is kept, and a log line written at the moment of their
submission would otherwise tie both to the report by its time (issue 28, point 3). What is left is enough to see
load and errors: time, method, path, status, size and duration.
"""
import gc
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "4"))
graceful_timeout = 5
accesslog = "-"
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# gunicorn 27's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl): two servers on one machine
# (make run next to the tests or a benchmark) would take it from each other. Nothing here uses it.
control_socket_disable = True


def post_worker_init(worker):
    """What start-up loaded (Django, the apps, the screening lexicon: about 200,000 objects) lives as long as the
    worker: kept out of the collector's full passes, which otherwise walk all of it every ~70,000 allocations and
    made up a third of an API intake's CPU (0.118 of 0.334 s over 20 requests; 0.010 s frozen). See Python's
    gc.freeze documentation; bench/bench_instructions.py freezes the same way."""
    gc.freeze()
