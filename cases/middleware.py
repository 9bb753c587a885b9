"""Server-time header for measurements: `Server-Timing: app;dur=<ms>` (only with DEBUG or BENCH_TIMING=1)."""
import os
import time

from django.conf import settings


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.enabled = settings.DEBUG or os.environ.get("BENCH_TIMING") == "1"

    def __call__(self, request):
        if not self.enabled:
            return self.get_response(request)
        start = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = "app;dur=%.2f" % ((time.perf_counter() - start) * 1000)
        return response
