"""Schemathesis against Berkas's own OpenAPI schema, logged in: no 5xx, no schema violation.

Bounded (``EXAMPLES`` per operation) so that CI stays quick; each run explores new inputs.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from tests.api.helpers import MEDIA_REVIEW_DOCS, Api

EXAMPLES = 15
# No 5xx, and every response as documented. Not schemathesis's "positive data acceptance":
# a schema-valid request may still break a business rule (an unknown workflow, an amount over
# the tier ceiling), and Berkas must refuse it with a 422 and its reasons.
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance,
          checks.response_headers_conformance]


def test_no_input_makes_the_api_fail_or_break_its_schema(api: Api) -> None:
    api.set_budget("media_verification", 600_000_000)
    case_id = api.create_media("rina")["id"]
    api.upload_valid("rina", case_id, MEDIA_REVIEW_DOCS[:2])  # rows for ids to hit
    headers = api.headers("siti")
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 25

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        fuzz()
