"""Long schemathesis run against the live API under gunicorn: >= 5,000 generated requests (positive and negative
data for every operation), token-authenticated; counts requests, server errors and schema violations.

    python bench/bench_api_fuzz.py            # BENCH_FUZZ_REQUESTS (5000) sets the minimum

``run()`` returns [{"name", "value", "unit", "target", "met"}] and prints the first failures it saw.
"""
from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kasn_cases.settings")

TARGET_REQUESTS = int(os.environ.get("BENCH_FUZZ_REQUESTS", "5000"))


def _issue_token() -> str:
    from cases.api.auth import api_token_issue
    from cases.models import Agency, Role

    _token, key = api_token_issue(actor=None, name="bench fuzz", agency=Agency.objects.get(code="BAWASLU-33"),
                                  role=Role.BAWASLU, throttle_rate="100000000/min")
    return key


def fuzz(base_url: str, key: str, target: int) -> dict:
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance, response_schema_conformance, status_code_conformance,
    )

    schema = schemathesis.openapi.from_url(f"{base_url}/api/v1/schema/")
    operations = [r.ok() for r in schema.get_all_operations()]
    headers = {"Authorization": f"Token {key}"}
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    counts, failures, statuses = Counter(), [], Counter()

    passes = 0
    while counts["requests"] < target and passes < 5:
        passes += 1
        per_operation = max(10, (target - counts["requests"]) // (2 * len(operations)) * 5 // 4 + 1)
        _one_pass(operations, per_operation, base_url, headers, checks, counts, failures, statuses)
    return {**counts, "statuses": dict(statuses), "failures": failures, "operations": len(operations)}


def _one_pass(operations, per_operation, base_url, headers, checks, counts, failures, statuses):
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis.errors import Unsatisfiable
    from schemathesis.core.failures import Failure, FailureGroup, ServerError
    from schemathesis.generation.modes import GenerationMode

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(max_examples=per_operation, deadline=None, database=None, phases=[Phase.generate],
                      suppress_health_check=list(HealthCheck))
            def one(case):
                response = case.call(base_url=base_url, headers=headers, timeout=30)
                counts["requests"] += 1
                statuses[response.status_code // 100 * 100] += 1
                try:
                    case.validate_response(response, checks=checks, headers=headers)
                except (FailureGroup, Failure) as exc:
                    for failure in getattr(exc, "exceptions", (exc,)):
                        kind = "server_errors" if isinstance(failure, ServerError) else "schema_violations"
                        counts[kind] += 1
                        if len(failures) < 10:
                            failures.append(f"{operation.label} [{response.status_code}] {failure.code} {failure.title}")

            try:
                one()
            except Unsatisfiable:  # no invalid value exists (e.g. a free-text path segment): nothing to send
                counts["unsatisfiable_negative"] += 1


def run() -> list[dict]:
    import django

    django.setup()
    from bench.bench_intake import free_port, start_gunicorn, stop

    key = _issue_token()
    port = free_port()
    proc = start_gunicorn(port, "gunicorn-fuzz.log")
    try:
        result = fuzz(f"http://127.0.0.1:{port}", key, TARGET_REQUESTS)
    finally:
        stop(proc)
    print(f"operations {result['operations']}, status classes {result['statuses']}")
    for line in result["failures"]:
        print("  failure:", line)
    requests, errors, violations = result.get("requests", 0), result.get("server_errors", 0), result.get("schema_violations", 0)
    return [
        {"name": "API fuzz: generated requests", "value": requests, "unit": "requests",
         "target": f">= {TARGET_REQUESTS}", "met": requests >= TARGET_REQUESTS},
        {"name": "API fuzz: server errors (5xx)", "value": errors, "unit": "responses", "target": "0", "met": errors == 0},
        {"name": "API fuzz: schema violations", "value": violations, "unit": "responses", "target": "0",
         "met": violations == 0},
    ]


if __name__ == "__main__":
    for row in run():
        print(f"{row['name']:<40}{row['value']:>10} {row['unit']:<10} target {row['target']:<10} "
              f"{'met' if row['met'] else 'NOT met'}")
