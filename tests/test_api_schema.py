"""The OpenAPI schema: committed file has not drifted, validates, covers every endpoint; a bounded schemathesis
run against the live schema (in-process WSGI, token-authenticated) finds no server error and no schema violation."""
import os
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.conf import settings
from django.core.management import call_command
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hsettings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_schema_conformance, status_code_conformance,
)

from cases.models import CaseStatus
from tests.test_api import add_letter, issue
from tests.workflow_support import build_case, make_users

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.yaml"
EXPECTED_PATHS = {
    "/api/v1/reports/", "/api/v1/reports/{id}/", "/api/v1/reports/{id}/evidence/", "/api/v1/cases/",
    "/api/v1/cases/{id}/", "/api/v1/cases/{id}/timeline/", "/api/v1/cases/{id}/actions/{action}/",
    "/api/v1/respondents/{nip}/", "/api/v1/letters/", "/api/v1/letters/{id}/", "/api/v1/letters/{id}/pdf/",
    "/api/v1/letters/verify/", "/api/v1/regions/", "/api/v1/agencies/", "/api/v1/elections/",
    "/api/v1/violation-types/", "/api/v1/sanction-types/", "/api/v1/deadline-rules/", "/api/v1/holidays/",
    "/api/v1/statistics/summary/", "/api/v1/screening/posts/", "/api/v1/screening/posts/{id}/",
}


def test_committed_schema_matches_the_code_and_validates(tmp_path):
    fresh = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(fresh), "--validate", "--fail-on-warn")
    assert fresh.read_text() == COMMITTED.read_text(), (
        "docs/openapi.yaml is stale: run `make schema` (manage.py spectacular --file docs/openapi.yaml --validate)")


def test_schema_documents_every_endpoint_with_error_examples():
    schema = yaml.safe_load(COMMITTED.read_text())
    assert EXPECTED_PATHS <= set(schema["paths"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "401" in responses and "429" in responses, (path, method)
            for code, response in responses.items():
                if code.startswith(("4", "5")) and code != "414":
                    content = response["content"]["application/json"]
                    assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (path, method, code)
                    assert content["examples"], (path, method, code)
    assert schema["components"]["securitySchemes"]["tokenAuth"]["type"] == "apiKey"


@pytest.fixture
def keep_test_connection():
    """In-process WSGI calls would close the test transaction's connection at request end (the test client
    avoids this the same way)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
def test_schemathesis_bounded_run_against_the_live_schema(keep_test_connection):
    from kasn_cases.wsgi import application

    users = make_users("fuzz")
    for status in (CaseStatus.RECEIVED, CaseStatus.UNDER_EXAMINATION, CaseStatus.AWAITING_FOLLOW_UP):
        add_letter(build_case(status, users), hash(status) % 1000 + 1)
    _token, key = issue("province", throttle_rate="100000/min")
    headers = {"Authorization": f"Token {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    calls = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @hsettings(max_examples=int(os.environ.get("API_FUZZ_EXAMPLES", "8")), deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                   suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call(headers=headers)
            calls.append(response.status_code)
            case.validate_response(response, checks=checks)

        run()
    assert len(calls) >= 100
    assert not [code for code in calls if code >= 500]
